package io.facegate.shell.internal;

import io.facegate.api.PersonSummary;
import io.facegate.api.operations.EnrollResult;
import io.facegate.api.operations.GatewayOperations;
import io.facegate.api.operations.IdentifyResult;
import io.facegate.api.operations.ModelSummary;
import io.facegate.api.operations.OperationException;
import io.facegate.api.operations.Photo;
import io.facegate.api.operations.PhotoResult;
import io.facegate.api.operations.Setting;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operations that answer by the photo bytes: "2 faces" has two faces, "no face" none, anything else one. Records
 * what the commands sent.
 */
final class FakeOperations implements GatewayOperations {
    final List<Photo> enrolled = new ArrayList<>();
    final Map<String, Object> configured = new LinkedHashMap<>();
    OperationException refuse;

    private void maybeRefuse() throws OperationException {
        if (refuse != null) {
            throw refuse;
        }
    }

    @Override
    public List<PersonSummary> people() throws OperationException {
        maybeRefuse();
        return List.of(new PersonSummary("Ada", 2, Map.of("mobilefacenet-112:1", 2, "eca-mobilefacenet-96:2", 1)),
                new PersonSummary("Bob Marley", 1, Map.of("mobilefacenet-112:1", 1)));
    }

    @Override
    public EnrollResult enroll(String name, List<Photo> photos) throws OperationException {
        maybeRefuse();
        List<PhotoResult> results = new ArrayList<>();
        int n = 0;
        for (Photo p : photos) {
            enrolled.add(p);
            String text = new String(p.bytes(), StandardCharsets.UTF_8);
            if (text.equals("no face")) {
                results.add(new PhotoResult(p.label(), false, 0, "no face found"));
            } else {
                results.add(new PhotoResult(p.label(), true, text.equals("2 faces") ? 2 : 1, null));
                n++;
            }
        }
        return new EnrollResult(name.strip(), n, results);
    }

    @Override
    public void forget(String name) throws OperationException {
        maybeRefuse();
    }

    @Override
    public void rename(String from, String to) throws OperationException {
        maybeRefuse();
    }

    @Override
    public IdentifyResult identify(Photo photo) throws OperationException {
        maybeRefuse();
        return new IdentifyResult("m:1", 60, 40, List.of());
    }

    @Override
    public List<ModelSummary> models() throws OperationException {
        maybeRefuse();
        return List.of();
    }

    @Override
    public List<Setting> settings() throws OperationException {
        maybeRefuse();
        return List.of(new Setting("detect.min_face_size", "io.facegate.detect.mtcnn", "minFaceSize", "integer",
                        configured.getOrDefault("detect.min_face_size", 20L), "Smallest face"),
                new Setting("gallery.thresholds", "io.facegate.gallery", "thresholds", "string", "", "Thresholds"));
    }

    @Override
    public List<Setting> configure(Map<String, Object> values) throws OperationException {
        maybeRefuse();
        configured.putAll(values);
        return settings();
    }
}
