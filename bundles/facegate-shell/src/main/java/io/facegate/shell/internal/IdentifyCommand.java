package io.facegate.shell.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.Gallery;
import io.facegate.api.Identity;
import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:identify FILE */
@Service
@Command(scope = "facegate", name = "identify", description = "Detects and identifies the faces of one photo")
public class IdentifyCommand implements Action {
    @Reference
    FaceDetector detector;
    @Reference
    FaceAligner aligner;
    @Reference
    FaceEmbedder embedder;
    @Reference
    Gallery gallery;

    @Argument(index = 0, name = "file", required = true, description = "a photo")
    String file;

    @Override
    public Object execute() {
        FaceWork.Photo photo = FaceWork.read(Path.of(file));
        if (photo.problem() != null) {
            System.out.println(file + ": " + photo.problem());
            return null;
        }
        List<DetectedFace> faces = detector.detect(photo.image());
        int size = embedder.model().inputSize();
        List<AlignedFace> aligned = faces.stream().map(f -> aligner.align(photo.image(), f, size)).toList();
        List<Embedding> embeddings = embedder.embed(aligned);
        System.out.printf("%s: %d face(s), model %s%n", file, faces.size(), embedder.model().key());
        for (int i = 0; i < faces.size(); i++) {
            DetectedFace f = faces.get(i);
            Identity id = gallery.identify(embeddings.get(i));
            System.out.printf("  box %.0f,%.0f %.0fx%.0f score %.3f -> %s (similarity %.3f, threshold %.3f)%n",
                    f.box().x(), f.box().y(), f.box().width(), f.box().height(), f.score(),
                    id.known() ? id.name() : "unknown", id.similarity(), id.threshold());
        }
        return null;
    }
}
