package dev.strata.autoconfigure.view;

import dev.strata.engine.InvalidArgumentException;

/**
 * Which codec a value type gets when a typed view is asked for by type
 * ({@link StrataViews#view(String, Class)}): {@code String} as UTF-8 and {@code byte[]} as they
 * are, always; any other type as JSON through the application's {@code JsonMapper} when there is
 * one ({@link JacksonObjectCodecs}), and refused otherwise ({@link #basic()}). The auto-configuration
 * creates the {@code strataObjectCodecs} bean; an application bean of this type replaces it.
 */
public interface StrataObjectCodecs {

    /** The codec for {@code type}; {@code InvalidArgumentException} if there is none. */
    <V> StrataCodec<V> forType(Class<V> type);

    /** Strings and bytes only: what an application without Jackson gets. */
    static StrataObjectCodecs basic() {
        return new StrataObjectCodecs() {
            @Override
            public <V> StrataCodec<V> forType(Class<V> type) {
                StrataCodec<V> codec = builtIn(type);
                if (codec == null) {
                    throw new InvalidArgumentException("no codec for " + (type == null ? "null" : type.getName())
                            + ": without a Jackson JsonMapper bean only String and byte[] values have one; add "
                            + "spring-boot-starter-jackson, or pass a StrataCodec of your own");
                }
                return codec;
            }

            @Override
            public String toString() {
                return "StrataObjectCodecs.basic()";
            }
        };
    }

    /** The codec of {@code String} and {@code byte[]}, or null for any other type. */
    @SuppressWarnings("unchecked")
    static <V> StrataCodec<V> builtIn(Class<V> type) {
        if (type == String.class) {
            return (StrataCodec<V>) StrataCodecs.utf8();
        }
        if (type == byte[].class) {
            return (StrataCodec<V>) StrataCodecs.bytes();
        }
        return null;
    }
}
