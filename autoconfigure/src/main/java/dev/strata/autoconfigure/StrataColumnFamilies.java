package dev.strata.autoconfigure;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.ColumnFamilyNotFoundException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.ReadOnlyException;
import dev.strata.engine.StrataDatabase;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The column families named in {@code strata.column-families}, created at start-up when missing,
 * and a way to reach any family by name. One bean rather than a {@link ColumnFamily} bean per
 * name: the names are data (a list property), beans of one type would each need a qualifier at
 * every injection point, and a family can be created or dropped while the application runs,
 * which a fixed set of beans could not follow. Created by {@link StrataAutoConfiguration}; an
 * application bean of this type replaces it (and then creates the families itself).
 */
public class StrataColumnFamilies {

    static final String PROPERTY = "strata.column-families";

    private final StrataDatabase db;
    private final Map<String, ColumnFamily> configured;

    /**
     * Creates each of {@code names} that the database lacks. A database opened read-only cannot
     * create one, so there each must exist already. A bad name or a missing family on a
     * read-only database fails start-up naming {@value #PROPERTY}.
     */
    public StrataColumnFamilies(StrataDatabase db, List<String> names) {
        this.db = db;
        Map<String, ColumnFamily> families = new LinkedHashMap<>();
        for (String name : names) {
            families.put(name, open(db, name));
        }
        this.configured = Map.copyOf(families);
    }

    private static ColumnFamily open(StrataDatabase db, String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(PROPERTY, name, "A column family name must not be blank.");
        }
        try {
            return db.getOrCreateColumnFamily(name);
        } catch (InvalidArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(PROPERTY, name, e.getMessage() + ".");
        } catch (ReadOnlyException e) {
            try {
                return db.columnFamily(name);
            } catch (ColumnFamilyNotFoundException missing) {
                throw new InvalidConfigurationPropertyValueException(PROPERTY, name, "The database is open read-only "
                        + "(strata.read-only=true), so the missing column family cannot be created.");
            }
        }
    }

    /** The family named {@code name}: a configured one, or any the database has; {@link ColumnFamilyNotFoundException} otherwise. */
    public ColumnFamily get(String name) {
        ColumnFamily family = configured.get(name);
        return family != null ? family : db.columnFamily(name);
    }

    /** {@link StrataDatabase#getOrCreateColumnFamily}, for families an application creates as it runs. */
    public ColumnFamily getOrCreate(String name) {
        return db.getOrCreateColumnFamily(name);
    }

    /** The names in {@code strata.column-families}, each of which exists. */
    public List<String> configuredNames() {
        return List.copyOf(configured.keySet());
    }

    /** Every family's name, the default one first. */
    public List<String> names() {
        return db.columnFamilies();
    }

    /** The default family, which the database's own read and write methods use. */
    public ColumnFamily defaultFamily() {
        return db.defaultColumnFamily();
    }
}
