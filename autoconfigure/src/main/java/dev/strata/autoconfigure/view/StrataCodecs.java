package dev.strata.autoconfigure.view;

import dev.strata.engine.InvalidArgumentException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The codecs that need no library: UTF-8 strings and raw bytes. */
public final class StrataCodecs {

    private static final StrataCodec<String> UTF8 = new StrataCodec<>() {
        @Override
        public byte[] encode(String value) {
            return requireValue(value).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            try {
                // Strict: a value that is not UTF-8 was written by something else, and is reported, not mangled.
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new InvalidArgumentException("the stored value is not UTF-8 text (" + bytes.length + " bytes)", e);
            }
        }

        @Override
        public String toString() {
            return "StrataCodecs.utf8()";
        }
    };

    private static final StrataCodec<byte[]> BYTES = new StrataCodec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return requireValue(value).clone();
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }

        @Override
        public String toString() {
            return "StrataCodecs.bytes()";
        }
    };

    private StrataCodecs() {
    }

    /** Strings as UTF-8; a stored value that is not valid UTF-8 fails to decode. */
    public static StrataCodec<String> utf8() {
        return UTF8;
    }

    /** Bytes as they are. */
    public static StrataCodec<byte[]> bytes() {
        return BYTES;
    }

    static <T> T requireValue(T value) {
        if (value == null) {
            throw new InvalidArgumentException("a value to store must not be null; remove the key instead");
        }
        return value;
    }
}
