package dev.strata.autoconfigure.view;

import dev.strata.engine.InvalidArgumentException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Values as JSON through a Jackson 3 {@link JsonMapper}, normally the application's own (Boot's
 * {@code JsonMapper} bean, with its modules and settings), so what Strata stores is what the
 * application's REST layer would write. Jackson's failures become {@code InvalidArgumentException}
 * (code {@code ERR_INVALID_ARGUMENT}) naming the type. Loaded only when Jackson 3 is present.
 *
 * @param <T> the value type
 */
public final class JsonCodec<T> implements StrataCodec<T> {

    private final JsonMapper mapper;
    private final Class<T> type;

    public JsonCodec(JsonMapper mapper, Class<T> type) {
        if (mapper == null || type == null) {
            throw new InvalidArgumentException("a JSON codec needs a JsonMapper and a type");
        }
        this.mapper = mapper;
        this.type = type;
    }

    @Override
    public byte[] encode(T value) {
        StrataCodecs.requireValue(value);
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new InvalidArgumentException("cannot write a " + type.getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        try {
            return mapper.readValue(bytes, type);
        } catch (JacksonException e) {
            throw new InvalidArgumentException("the stored value is not the JSON of a " + type.getName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JsonCodec[" + type.getName() + "]";
    }
}
