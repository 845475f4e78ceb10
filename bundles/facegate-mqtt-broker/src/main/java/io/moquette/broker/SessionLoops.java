package io.moquette.broker;

import java.lang.reflect.Field;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * facegate's restart of Moquette 0.17's session loops. A session loop ends for good when one command throws
 * ({@code SessionEventLoop.executeTask} rethrows), and every client whose id hashes to it then hangs: its CONNECT is
 * never answered and nothing is routed to it. Seen in CI: from one command on, half the clients of the embedded
 * broker got no CONNACK and the other half no messages from the gateway. This class starts a new loop on the same
 * queue, so the commands queued meanwhile still run in order. It lives in Moquette's package only to reach the
 * package-private loop types; the compiler checks every use against the pinned Moquette version.
 */
public final class SessionLoops {
    private final SessionEventLoop[] loops;
    private final BlockingQueue<FutureTask<String>>[] queues;

    private SessionLoops(SessionEventLoop[] loops, BlockingQueue<FutureTask<String>>[] queues) {
        this.loops = loops;
        this.queues = queues;
    }

    /**
     * @param server a started broker
     * @return its session loops
     * @throws IllegalStateException if this Moquette version does not have the expected internals
     */
    @SuppressWarnings("unchecked")
    public static SessionLoops of(Server server) {
        PostOffice postOffice = field(Server.class, server, "dispatcher", PostOffice.class);
        SessionEventLoopGroup group = field(PostOffice.class, postOffice, "sessionLoops", SessionEventLoopGroup.class);
        return new SessionLoops(field(SessionEventLoopGroup.class, group, "sessionExecutors",
                SessionEventLoop[].class), field(SessionEventLoopGroup.class, group, "sessionQueues",
                BlockingQueue[].class));
    }

    /**
     * Starts a new loop, with the old one's name and error handler, in place of each loop that ended. Call only while
     * the broker runs: its shutdown ends the loops on purpose.
     *
     * @param restarted told the name of each loop that was restarted
     * @return how many loops were restarted
     */
    public synchronized int restartEnded(Consumer<String> restarted) {
        int n = 0;
        for (int i = 0; i < loops.length; i++) {
            SessionEventLoop old = loops[i];
            if (old.isAlive()) {
                continue;
            }
            SessionEventLoop loop = new SessionEventLoop(queues[i]);
            loop.setName(old.getName());
            loop.setUncaughtExceptionHandler(old.getUncaughtExceptionHandler());
            loop.start();
            loops[i] = loop;
            restarted.accept(loop.getName());
            n++;
        }
        return n;
    }

    /** @return a field of Moquette's internals, checked against the type this build was compiled for */
    static <T> T field(Class<?> owner, Object target, String name, Class<T> type) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            Object value = f.get(target);
            if (!type.isInstance(value)) {
                throw new IllegalStateException("Moquette " + owner.getSimpleName() + "." + name + " is " + value
                        + ", not a " + type.getName() + ": the broker is not started, or this is not Moquette 0.17");
            }
            return type.cast(value);
        } catch (NoSuchFieldException | IllegalAccessException e) {
            throw new IllegalStateException("Moquette " + owner.getSimpleName() + " has no field " + name + " (" + e
                    + "): this is not Moquette 0.17, whose internals facegate was compiled against", e);
        }
    }
}
