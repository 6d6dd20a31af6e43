package dev.strata.autoconfigure;

/** Finds the cause of a start-up failure that tests assert on, however deep Spring wrapped it. */
public final class Causes {

    private Causes() {
    }

    public static <T extends Throwable> T ofType(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " among the causes of " + failure, failure);
    }
}
