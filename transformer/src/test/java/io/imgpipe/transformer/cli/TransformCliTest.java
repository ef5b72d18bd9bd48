package io.imgpipe.transformer.cli;

import io.imgpipe.contract.options.OptionTable;
import io.imgpipe.contract.options.TransformOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void givenVariants_whenRun_thenOneFilePerPresetIsWrittenFromEachInput(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("photo.jpg");
        try (var in = TransformCliTest.class.getResourceAsStream("/images/baseline.jpg")) {
            Files.write(input, in.readAllBytes());
        }
        Path out = dir.resolve("out");

        int code = new TransformCli(new PrintStream(new ByteArrayOutputStream()), new PrintStream(
                new ByteArrayOutputStream())).run(new String[] {"--variants=thumbnail,avatar", "-o", out.toString(),
                input.toString()});

        assertThat(code).isEqualTo(TransformCli.OK);
        assertThat(ImageIO.read(out.resolve("photo-thumbnail.jpg").toFile()).getWidth()).isEqualTo(200);
        assertThat(ImageIO.read(out.resolve("photo-avatar.png").toFile()).getWidth()).isEqualTo(256);
    }

    @Test
    void givenVariantsAndAnOption_whenParsed_thenTheConflictIsAUsageError() {
        assertThatThrownBy(() -> TransformCli.parse(new String[] {"--variants=thumbnail", "--width=10", "-o", "o",
                "a.jpg"})).hasMessageContaining("variants and plain options cannot be combined");
    }
}
