package io.facegate.mqtt.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns command messages into replies: routes {@code <prefix>/<gateway>/cmd/<command>} and
 * {@code <prefix>/group/<group>/cmd/<command>} to the {@link CommandHandlers}, one request at a time on its own
 * thread, and publishes every answer to {@code <prefix>/<gateway>/reply/<request_id>}.
 *
 * <ul>
 * <li>Every message gets exactly one reply, whatever it holds: malformed JSON, a missing or invalid
 * {@code request_id} (then the reply goes to {@code reply/_invalid}), an unknown command, a payload over
 * {@code command_max_bytes} (413), a full request queue (503).</li>
 * <li>A request id seen before is not executed again: the stored reply is sent again, so a client that retries
 * after a lost reply is safe (the last {@value #REMEMBERED} request ids are remembered).</li>
 * <li>Authorisation is the broker's: only the operator user may publish on the command topics (see the embedded
 * broker's ACLs, or your broker's).</li>
 * </ul>
 */
final class CommandDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandDispatcher.class);
    /** Request ids become a topic level: letters, digits and {@code . _ -}, starting with a letter or digit. */
    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final String INVALID_REPLY_LEVEL = "_invalid";
    static final int REMEMBERED = 1024;
    private static final int QUEUE = 64;

    /** Publishes one reply; never throws. */
    interface ReplySink {
        /**
         * @param topic   the reply topic
         * @param payload the reply
         */
        void reply(String topic, byte[] payload);
    }

    record Request(String command, String via, byte[] payload) {
    }

    private final PublisherSettings settings;
    private final CommandHandlers handlers;
    private final ReplySink sink;
    private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Map<String, byte[]> answered = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final Thread worker;
    private volatile boolean closing;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();

    /**
     * @param settings the topics, groups and size limit
     * @param handlers what the commands do
     * @param sink     where replies go
     */
    CommandDispatcher(PublisherSettings settings, CommandHandlers handlers, ReplySink sink) {
        this.settings = settings;
        this.handlers = handlers;
        this.sink = sink;
        worker = new Thread(this::run, "facegate-mqtt-commands");
        worker.setDaemon(true);
    }

    /** @return the topic filters to subscribe to: this gateway's commands and its groups' */
    List<String> subscriptions() {
        List<String> filters = new ArrayList<>();
        filters.add(settings.commandTopicPrefix() + "#");
        for (String g : settings.groups()) {
            filters.add(settings.groupCommandTopicPrefix(g) + "#");
        }
        return filters;
    }

    void start() {
        worker.start();
    }

    /** @return command messages received since start */
    long received() {
        return received.get();
    }

    /** @return requests answered from the remembered replies */
    long repeated() {
        return repeated.get();
    }

    /**
     * Takes a message from the transport's thread: only cheap checks here, the work is queued.
     *
     * @param topic   the topic it arrived on
     * @param payload its payload
     */
    void onMessage(String topic, byte[] payload) {
        String command = command(topic);
        if (command == null) {
            LOG.debug("message on {} is not a command topic of this gateway; ignored", topic);
            return;
        }
        received.incrementAndGet();
        if (payload.length > settings.commandMaxBytes()) {
            replyEarly(command, payload, 413, "payload of " + payload.length + " bytes is over command_max_bytes="
                    + settings.commandMaxBytes());
            return;
        }
        if (closing || !queue.offer(new Request(command, topic, payload))) {
            replyEarly(command, payload, 503, "busy: " + QUEUE + " requests are waiting; retry later");
        }
    }

    /** @return the command of a command topic of this gateway or one of its groups, else {@code null} */
    String command(String topic) {
        String own = settings.commandTopicPrefix();
        if (topic.length() == own.length() - 1 && own.startsWith(topic)) {
            return ""; // <prefix>/<gateway>/cmd itself: an unknown (empty) command, answered with a 404
        }
        if (topic.startsWith(own)) {
            return topic.substring(own.length());
        }
        for (String g : settings.groups()) {
            String prefix = settings.groupCommandTopicPrefix(g);
            if (topic.startsWith(prefix)) {
                return topic.substring(prefix.length());
            }
        }
        return null;
    }

    private void replyEarly(String command, byte[] payload, int code, String message) {
        send(validPeekedId(payload), command, null, CommandReply.error(code, message));
    }

    /** @return the request id of a payload that is not parsed (yet), if it is a valid one; else null */
    private static String validPeekedId(byte[] payload) {
        String id = Json.peekRequestId(payload);
        return id != null && REQUEST_ID.matcher(id).matches() ? id : null;
    }

    private void run() {
        while (!closing) {
            Request r;
            try {
                r = queue.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r != null) {
                try {
                    handle(r);
                } catch (RuntimeException e) {
                    LOG.error("command {} failed unexpectedly", r.command(), e);
                }
            }
        }
    }

    /** Parses, deduplicates, executes and answers one request. Package-private for tests. */
    void handle(Request r) {
        JsonElement doc;
        try {
            doc = Json.parse(r.payload());
        } catch (JsonParseException e) {
            send(validPeekedId(r.payload()), r.command(), null,
                    CommandReply.error(400, "malformed JSON: " + oneLine(e.getMessage())));
            return;
        }
        if (!doc.isJsonObject()) {
            send(null, r.command(), null, CommandReply.error(400, "the request must be a JSON object"));
            return;
        }
        JsonObject request = doc.getAsJsonObject();
        JsonElement idElement = request.get("request_id");
        String requester = request.has("requester") && request.get("requester").isJsonPrimitive()
                ? request.get("requester").getAsString() : null;
        if (idElement == null || !idElement.isJsonPrimitive() || !idElement.getAsJsonPrimitive().isString()
                || !REQUEST_ID.matcher(idElement.getAsString()).matches()) {
            send(null, r.command(), requester, CommandReply.error(400, "request_id must be a string of 1-64 letters,"
                    + " digits, '.', '_' or '-' starting with a letter or digit"));
            return;
        }
        String id = idElement.getAsString();
        byte[] before;
        synchronized (answered) {
            before = answered.get(id);
        }
        if (before != null) {
            repeated.incrementAndGet();
            sink.reply(settings.replyTopicPrefix() + id, before);
            return;
        }
        CommandReply reply = handlers.handle(r.command(), request);
        if (reply.code() >= 500) {
            LOG.warn("command {} ({}) failed: {} {}", r.command(), id, reply.code(), reply.message());
        } else {
            LOG.info("command {} ({}{}) via {}: {} {}", r.command(), id, requester == null ? "" : ", " + requester,
                    r.via(), reply.code(), reply.message());
        }
        byte[] payload = send(id, r.command(), requester, reply);
        if (reply.code() != 503) {
            // a 503 is worth retrying with the same id once the service is back
            synchronized (answered) {
                answered.put(id, payload);
            }
        }
    }

    private byte[] send(String id, String command, String requester, CommandReply reply) {
        JsonObject o = new JsonObject();
        o.add("request_id", id == null ? JsonNull.INSTANCE : new JsonPrimitive(id));
        o.addProperty("command", command);
        if (requester != null) {
            o.addProperty("requester", requester);
        }
        o.addProperty("gateway", settings.gatewayId());
        o.addProperty("status", reply.status());
        o.addProperty("code", reply.code());
        o.addProperty("message", reply.message());
        o.add("result", reply.result() == null ? JsonNull.INSTANCE : reply.result());
        byte[] payload = Json.bytes(o);
        sink.reply(settings.replyTopicPrefix() + (id == null ? INVALID_REPLY_LEVEL : id), payload);
        return payload;
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        String line = s.replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** Stops taking requests; the one in progress finishes (up to 5 s). */
    @Override
    public void close() {
        closing = true; // no interrupt: it would break a gallery write in progress (ClosedByInterruptException)
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
