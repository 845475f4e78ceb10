package io.facegate.mqtt.internal;

import io.facegate.api.BoundingBox;
import io.facegate.api.ChannelOrder;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceLandmarks;
import io.facegate.api.Identity;
import io.facegate.api.ModelInfo;
import io.facegate.api.PersonSummary;
import io.facegate.api.Point;
import io.facegate.api.RecognizedFace;
import io.facegate.api.image.ImageDecoder;
import io.facegate.api.operations.EnrollResult;
import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.IdentifyResult;
import io.facegate.api.operations.ModelSummary;
import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Photo;
import io.facegate.api.operations.PhotoResult;
import io.facegate.api.operations.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GatewayOperations for unit tests of the MQTT layer around it: an in-memory gallery, the real guarded decoder
 * (so non-images and bombs are refused as in the gateway), every decodable image "has one face".
 */
final class FakeOperations implements GatewayOperations {
    final Map<String, Integer> people = new TreeMap<>();
    final Map<String, Object> settings = new TreeMap<>(Map.of("detect.min_face_size", 20L));
    final AtomicInteger calls = new AtomicInteger();
    private final ImageDecoder decoder = new ImageDecoder(4_000_000);

    @Override
    public synchronized List<PersonSummary> people() {
        calls.incrementAndGet();
        List<PersonSummary> out = new ArrayList<>();
        people.forEach((n, c) -> out.add(new PersonSummary(n, c, Map.of("mobilefacenet-112:1", c))));
        return out;
    }

    @Override
    public synchronized EnrollResult enroll(String name, List<Photo> photos) throws OperationException {
        calls.incrementAndGet();
        if (name.isBlank() || name.contains("/")) {
            throw new OperationException(400, "invalid name '" + name + "'");
        }
        List<PhotoResult> results = new ArrayList<>();
        int ok = 0;
        for (Photo p : photos) {
            ImageDecoder.Result r = decoder.decode(p.bytes());
            if (r.ok()) {
                ok++;
                results.add(new PhotoResult(p.label(), true, 1, null));
            } else {
                results.add(new PhotoResult(p.label(), false, 0, r.reason()));
            }
        }
        if (ok == 0) {
            throw new OperationException(400, "nothing enrolled: no usable photo of " + name);
        }
        people.merge(name, ok, Integer::sum);
        return new EnrollResult(name, ok, results);
    }

    @Override
    public synchronized void forget(String name) throws OperationException {
        calls.incrementAndGet();
        if (people.remove(name) == null) {
            throw new OperationException(404, name + " is not enrolled");
        }
    }

    @Override
    public synchronized void rename(String from, String to) throws OperationException {
        calls.incrementAndGet();
        if (!people.containsKey(from)) {
            throw new OperationException(404, from + " is not enrolled");
        }
        if (people.containsKey(to)) {
            throw new OperationException(409, to + " is already enrolled");
        }
        people.put(to, people.remove(from));
    }

    @Override
    public IdentifyResult identify(Photo photo) throws OperationException {
        calls.incrementAndGet();
        ImageDecoder.Result r = decoder.decode(photo.bytes());
        if (!r.ok()) {
            throw new OperationException(400, "image: " + r.reason());
        }
        DetectedFace f = new DetectedFace(new BoundingBox(1, 2, 30, 40), 0.99f, new FaceLandmarks(new Point(5, 5),
                new Point(15, 5), new Point(10, 10), new Point(6, 15), new Point(14, 15)));
        return new IdentifyResult("mobilefacenet-112:1", r.image().width(), r.image().height(),
                List.of(new RecognizedFace(f, Identity.of("alice", 0.71f, 0.5f))));
    }

    @Override
    public List<ModelSummary> models() {
        calls.incrementAndGet();
        return List.of(new ModelSummary(new ModelInfo("mobilefacenet-112", "1", 112, ChannelOrder.RGB, 127.5f, 128f,
                192, 0.5f), 100, "facegate-embed-mobilefacenet", true));
    }

    @Override
    public synchronized List<Setting> settings() {
        calls.incrementAndGet();
        List<Setting> out = new ArrayList<>();
        settings.forEach((k, v) -> out.add(new Setting(k, "io.facegate.detect.mtcnn", "min_face_size", "integer", v,
                "smallest face in pixels")));
        return out;
    }

    @Override
    public synchronized List<Setting> configure(Map<String, Object> values) throws OperationException {
        calls.incrementAndGet();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (!settings.containsKey(e.getKey())) {
                throw new OperationException(400, "unknown setting '" + e.getKey() + "'");
            }
            if (!(e.getValue() instanceof Long l) || l < 8) {
                throw new OperationException(400, e.getKey() + " must be an integer >= 8");
            }
        }
        settings.putAll(values);
        return settings();
    }
}
