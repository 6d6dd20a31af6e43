package dev.strata.autoconfigure.view;

import dev.strata.autoconfigure.StrataColumnFamilies;
import dev.strata.autoconfigure.transaction.StrataTemplate;
import dev.strata.engine.InvalidArgumentException;

/**
 * Makes {@link StrataTypedView}s: values of one type in one column family, with the codec the
 * type gets from {@link StrataObjectCodecs} (JSON through the application's {@code JsonMapper}
 * when present) or one given. Views are cheap; make them once, in a constructor:
 *
 * <pre>
 * StockService(StrataViews views) {
 *     this.items = views.view("default", "item/", Item.class);
 * }
 * </pre>
 *
 * The family name {@link #DEFAULT_FAMILY} (or the database's own default-family name) is the
 * default family; any other must exist ({@code strata.column-families} creates them at start-up).
 * Created by {@link StrataViewAutoConfiguration} as {@code strataViews}.
 */
public class StrataViews {

    /** The name that stands for the database's default family. */
    public static final String DEFAULT_FAMILY = "default";

    private final StrataTemplate template;
    private final StrataColumnFamilies families;
    private final StrataObjectCodecs codecs;

    public StrataViews(StrataTemplate template, StrataColumnFamilies families, StrataObjectCodecs codecs) {
        if (template == null || families == null || codecs == null) {
            throw new InvalidArgumentException("StrataViews needs a template, the column families and the object codecs");
        }
        this.template = template;
        this.families = families;
        this.codecs = codecs;
    }

    /** Values of {@code type} in {@code family}, with the type's codec. */
    public <V> StrataTypedView<V> view(String family, Class<V> type) {
        return view(family, "", type);
    }

    /** Values of {@code type} in {@code family} under {@code prefix}, with the type's codec. */
    public <V> StrataTypedView<V> view(String family, String prefix, Class<V> type) {
        return view(family, prefix, codecs.forType(type));
    }

    /** Values in {@code family} under {@code prefix}, with {@code codec}. */
    public <V> StrataTypedView<V> view(String family, String prefix, StrataCodec<V> codec) {
        if (family == null) {
            throw new InvalidArgumentException("a column family name must be given (\"" + DEFAULT_FAMILY
                    + "\" for the default one)");
        }
        boolean isDefault = DEFAULT_FAMILY.equals(family) || family.equals(families.defaultFamily().name());
        return new StrataTypedView<>(template, isDefault ? families.defaultFamily() : families.get(family), prefix, codec);
    }

    /** The codec views of {@code type} get. */
    public <V> StrataCodec<V> codec(Class<V> type) {
        return codecs.forType(type);
    }

    public StrataTemplate template() {
        return template;
    }
}
