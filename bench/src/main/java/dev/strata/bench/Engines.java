package dev.strata.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** The engines by command-line name. */
public final class Engines {
    public static final List<String> ALL = List.of("strata", "rocksdb", "mvstore");

    private Engines() {
    }

    public static Supplier<Engine> factory(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "strata":
                return StrataEngine::new;
            case "rocksdb":
                return RocksDbEngine::new;
            case "mvstore":
                return MvStoreEngine::new;
            default:
                throw new IllegalArgumentException("unknown engine '" + name + "'; known: " + String.join(",", ALL));
        }
    }

    public static List<String> parse(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            String name = s.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            factory(name); // validates
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--engines names no engine");
        }
        return out;
    }
}
