package io.facegate.shell.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.Gallery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** facegate:enroll NAME FILES... */
@Service
@Command(scope = "facegate", name = "enroll", description = "Enrols a person from photos (the largest face of each)")
public class EnrollCommand implements Action {
    @Reference
    FaceDetector detector;
    @Reference
    FaceAligner aligner;
    @Reference
    Gallery gallery;

    @Argument(index = 0, name = "name", required = true, description = "the person's name")
    String name;

    @Argument(index = 1, name = "files", required = true, multiValued = true, description = "photos of the person")
    List<String> files;

    @Override
    public Object execute() {
        List<AlignedFace> crops = new ArrayList<>();
        for (String file : files) {
            FaceWork.Photo photo = FaceWork.read(Path.of(file));
            if (photo.problem() != null) {
                System.out.println("skipped " + file + ": " + photo.problem());
                continue;
            }
            List<DetectedFace> faces = detector.detect(photo.image());
            if (faces.isEmpty()) {
                System.out.println("skipped " + file + ": no face found");
                continue;
            }
            if (faces.size() > 1) {
                System.out.println(file + ": " + faces.size() + " faces, enrolling the largest");
            }
            crops.add(aligner.align(photo.image(), FaceWork.largest(faces), FaceWork.ENROL_SIZE));
        }
        if (crops.isEmpty()) {
            System.out.println("nothing enrolled: no usable photo of " + name);
            return null;
        }
        gallery.enroll(name, crops);
        System.out.println("enrolled " + name + " from " + crops.size() + " of " + files.size() + " photo(s)");
        return null;
    }
}
