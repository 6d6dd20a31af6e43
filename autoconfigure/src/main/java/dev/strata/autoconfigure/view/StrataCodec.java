package dev.strata.autoconfigure.view;

/**
 * Turns values of one type into the bytes a Strata value holds and back. Implementations must be
 * thread-safe; {@link StrataCodecs} has the built-in ones, {@link JsonCodec} the JSON one.
 *
 * @param <T> the value type
 */
public interface StrataCodec<T> {

    /** The bytes stored for {@code value}; a value that cannot be encoded throws {@code InvalidArgumentException}. */
    byte[] encode(T value);

    /** The value {@code bytes} encode; bytes that do not decode throw {@code InvalidArgumentException}. */
    T decode(byte[] bytes);
}
