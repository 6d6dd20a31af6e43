package dev.strata.engine.verify;

/**
 * Options of a point read that uses the verification table ({@code db.get(key, options)}):
 * <ul>
 *   <li>{@link #expectedVersion(double)}: if the table vouches that the key's current version is
 *       this one, the read is skipped and {@link VerificationTable#FRESH} is returned (compare by
 *       identity), meaning the caller's cached copy is still current;</li>
 *   <li>{@link #populateVersion(boolean)}: after a real read, record the value's version (its
 *       first 8 bytes, a big-endian double) so later checks can hit.</li>
 * </ul>
 * Both only act on a column family opened with the verification table; elsewhere the read just
 * happens. A mutable builder.
 */
public final class GetOptions {
    private boolean hasExpectedVersion;
    private double expectedVersion;
    private boolean populateVersion;

    /** Skip the read and return {@link VerificationTable#FRESH} when {@code version} is still current. */
    public GetOptions expectedVersion(double version) {
        this.expectedVersion = version;
        this.hasExpectedVersion = true;
        return this;
    }

    /** After a real read, record the version read (default false). */
    public GetOptions populateVersion(boolean populate) {
        this.populateVersion = populate;
        return this;
    }

    public boolean hasExpectedVersion() {
        return hasExpectedVersion;
    }

    public double expectedVersion() {
        return expectedVersion;
    }

    public boolean populateVersion() {
        return populateVersion;
    }
}
