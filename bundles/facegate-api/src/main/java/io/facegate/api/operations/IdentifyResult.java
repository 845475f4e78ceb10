package io.facegate.api.operations;

import io.facegate.api.RecognizedFace;
import java.util.List;

/**
 * The faces of one image and who they are.
 *
 * @param model  the key of the model that embedded them
 * @param width  image width in pixels
 * @param height image height in pixels
 * @param faces  every face found, with its identity (unknown when not aligned or not matched)
 */
public record IdentifyResult(String model, int width, int height, List<RecognizedFace> faces) {
    /** Copies the list so the result stays immutable. */
    public IdentifyResult {
        faces = List.copyOf(faces);
    }
}
