package io.facegate.itests;

/** A real broker a test can take down and bring back, and the login a subscriber of the gateway's topics uses. */
interface Broker {
    /** @return e.g. {@code tcp://127.0.0.1:1883} */
    String url();

    /** @return the subscriber's user name, {@code null} for anonymous */
    String subscriberUser();

    /** @return its password, {@code null} for anonymous */
    char[] subscriberPassword();

    /**
     * Returns once the sessions of the durable subscribers connected so far would survive {@link #stop}
     * (a broker that saves its state periodically has saved it).
     */
    void awaitSessionsSaved() throws InterruptedException;

    /** Takes the broker down; returns when its port refuses connections. */
    void stop() throws Exception;

    /** Brings it back on the same port; returns when it accepts connections. */
    void start() throws Exception;
}
