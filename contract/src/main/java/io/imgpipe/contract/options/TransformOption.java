package io.imgpipe.contract.options;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One transform option as the API knows it: its query parameter name, what it accepts, its default, how its value is
 * written canonically and its help text. The entries live in {@link OptionTable}; the parser, the canonical query
 * string, the CLI help, the OpenAPI check and the page's option metadata are all derived from them.
 *
 * @param name      the query parameter (lowercase)
 * @param kind      the value's shape, as the page and the OpenAPI document describe it
 * @param minimum   smallest accepted number, or null when not numeric
 * @param maximum   largest accepted number, or null when not numeric
 * @param values    the canonical choices of a {@link Kind#CHOICE}, else empty
 * @param syntax    the accepted values as the help text writes them ({@code 1..16384}, {@code h|v|both|none})
 * @param help      one sentence for people
 * @param fallback  the value when the parameter is absent ({@link TransformOptions#IDENTITY} is made of these)
 * @param read      where the value sits in {@link TransformOptions}
 * @param parser    parameter text (trimmed) to value; throws {@link BadOptionException} naming the parameter
 * @param canonical value to the text of the canonical query string
 * @param <T>       the value's Java type
 */
public record TransformOption<T>(
        String name,
        Kind kind,
        Double minimum,
        Double maximum,
        List<String> values,
        String syntax,
        String help,
        T fallback,
        Function<TransformOptions, T> read,
        Function<String, T> parser,
        Function<T, String> canonical) {

    /** The shape of an option's value. */
    public enum Kind {
        INTEGER, NUMBER, BOOLEAN, CHOICE, TEXT;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TransformOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        values = List.copyOf(values);
        Objects.requireNonNull(syntax, "syntax");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(canonical, "canonical");
        if (!name.matches("[a-z]+(_[a-z]+)*")) {
            throw new IllegalArgumentException("an option name is lowercase words joined by '_', got '" + name + "'");
        }
    }

    /** The value of the raw parameter text, or a {@link BadOptionException} naming this option. */
    public T parse(String raw) {
        return parser.apply(raw.trim());
    }

    public T valueIn(TransformOptions options) {
        return read.apply(options);
    }

    /**
     * Whether {@code value} is this option's default. Numbers compare as numbers (so {@code blur=-0} is the default
     * 0, as it always was), everything else by {@code equals}.
     */
    public boolean isDefault(T value) {
        if (value instanceof Double d && fallback instanceof Double f) {
            return d.doubleValue() == f.doubleValue();
        }
        return Objects.equals(value, fallback);
    }

    /**
     * Whether the default means "not set" rather than a value: null ({@code crop}), or a number outside the option's
     * range ({@code width=0}, "derive from the other side"). Such a default is not shown as one in help and docs.
     */
    public boolean defaultIsAbsence() {
        return fallback == null
                || minimum != null && fallback instanceof Number n && n.doubleValue() < minimum;
    }

    /** The canonical text of the value this option has in {@code options}, or null when it is the default. */
    public String canonicalIn(TransformOptions options) {
        T value = valueIn(options);
        return isDefault(value) ? null : canonical.apply(value);
    }

    /** The page's and the API's description: name, kind, range or choices, default, help. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", kind.jsonName());
        if (minimum != null) {
            m.put("minimum", number(minimum));
            m.put("maximum", number(maximum));
        }
        if (!values.isEmpty()) {
            m.put("values", values);
        }
        m.put("default", jsonDefault());
        m.put("syntax", syntax);
        m.put("help", help);
        return m;
    }

    /** The default as JSON would carry it: a number, a boolean, a string or null. */
    public Object jsonDefault() {
        if (fallback == null) {
            return null;
        }
        return switch (kind) {
            case INTEGER, NUMBER -> number(((Number) fallback).doubleValue());
            case BOOLEAN -> fallback;
            case CHOICE, TEXT -> canonical.apply(fallback);
        };
    }

    private static Object number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
    }
}
