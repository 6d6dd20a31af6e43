package dev.strata.autoconfigure.view;

import dev.strata.engine.InvalidArgumentException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link StrataObjectCodecs} with JSON for every type but {@code String} and {@code byte[]}
 * (kept as UTF-8 and raw bytes, so a string is not stored with JSON quotes), through the
 * application's {@link JsonMapper}. Loaded only when Jackson 3 is present.
 */
public final class JacksonObjectCodecs implements StrataObjectCodecs {

    private final JsonMapper mapper;

    public JacksonObjectCodecs(JsonMapper mapper) {
        if (mapper == null) {
            throw new InvalidArgumentException("JacksonObjectCodecs needs a JsonMapper");
        }
        this.mapper = mapper;
    }

    @Override
    public <V> StrataCodec<V> forType(Class<V> type) {
        if (type == null) {
            throw new InvalidArgumentException("a value type must be given");
        }
        StrataCodec<V> codec = StrataObjectCodecs.builtIn(type);
        return codec != null ? codec : new JsonCodec<>(mapper, type);
    }

    public JsonMapper mapper() {
        return mapper;
    }
}
