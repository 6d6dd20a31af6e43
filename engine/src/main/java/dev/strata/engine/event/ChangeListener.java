package dev.strata.engine.event;

import java.util.function.Consumer;

/**
 * Receives the changes of a subscription ({@code db.subscribe(prefix, listener)}), in seqno order
 * (changes of one commit in their order in the commit), each after its commit is durable in the
 * database's durability mode, on a delivery thread (one at a time per subscription). When the
 * listener falls so far behind that its queue fills, the changes that do not fit are dropped and
 * {@link #onOverflow} says which, in its place in the order: the loss is never silent.
 */
public interface ChangeListener {
    void onChange(ChangeEvent change);

    void onOverflow(ChangeOverflow overflow);

    /** A listener from two lambdas. */
    static ChangeListener of(Consumer<ChangeEvent> onChange, Consumer<ChangeOverflow> onOverflow) {
        return new ChangeListener() {
            @Override
            public void onChange(ChangeEvent change) {
                onChange.accept(change);
            }

            @Override
            public void onOverflow(ChangeOverflow overflow) {
                onOverflow.accept(overflow);
            }
        };
    }
}
