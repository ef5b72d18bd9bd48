package io.imgpipe.transformer.cli;

import io.imgpipe.contract.options.OptionTable;
import io.imgpipe.contract.options.TransformOption;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TransformCliTest {

    @Test
    void givenHelp_whenAsked_thenEveryOptionOfTheTableIsListedWithItsSyntaxAndTheRunIsAUsageExit() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new TransformCli(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {"--help"});

        String help = err.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(TransformCli.USAGE);
        for (TransformOption<?> option : OptionTable.ALL) {
            assertThat(help).contains("--" + option.name() + "=" + option.syntax()).contains(option.help());
        }
        assertThat(help).contains("--preset=NAME").contains("thumbnail");
    }

    @Test
    void givenAFlagWithoutValue_whenParsed_thenItMeansTrueAsInTheQueryGrammar() {
        TransformCli.Invocation inv = TransformCli.parse(new String[] {"--grayscale", "--width=10", "-o", "out", "a.jpg"});

        assertThat(inv.options().grayscale()).isTrue();
        assertThat(inv.options().toQuery()).isEqualTo("width=10&grayscale=true");
    }
}
