package io.facegate.operations.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.DetectedFace;
import io.facegate.api.Embedding;
import io.facegate.api.FaceAligner;
import io.facegate.api.FaceDetector;
import io.facegate.api.FaceEmbedder;
import io.facegate.api.FaceGateException;
import io.facegate.api.Gallery;
import io.facegate.api.Identity;
import io.facegate.api.ModelInfo;
import io.facegate.api.RecognizedFace;
import io.facegate.api.RgbImage;
import io.facegate.api.image.ImageDecoder;
import io.facegate.api.operations.IdentifyResult;
import io.facegate.api.operations.Photo;
import io.facegate.api.operations.PhotoResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The image work of enrol and identify on given stage services, without OSGi: decode through the guarded decoder,
 * detect, align, embed, match. Thread-safe (immutable; the stages are thread-safe).
 */
final class FaceWork {
    /**
     * Enrolment crops are kept at 112 px, the largest input of the shipped models; the gallery resizes them for
     * smaller ones (the 5-point template scales linearly).
     */
    static final int ENROL_SIZE = 112;

    /**
     * A photo decoded, or why not.
     *
     * @param image    the image, or null
     * @param problem  why it could not be used, or null
     * @param tooLarge whether it was refused for its size in bytes
     */
    record Decoded(RgbImage image, String problem, boolean tooLarge) {
    }

    /**
     * What enrolment made of its photos, before the gallery is called.
     *
     * @param crops   the aligned largest face of every usable photo
     * @param results one result per photo, in order; {@code enrolled} is true for those with a crop
     */
    record Enrolment(List<AlignedFace> crops, List<PhotoResult> results) {
    }

    private final ImageDecoder decoder;
    private final long maxImageBytes;

    /**
     * @param maxPixels     largest width x height decoded
     * @param maxImageBytes largest encoded image accepted
     */
    FaceWork(long maxPixels, long maxImageBytes) {
        this.decoder = new ImageDecoder(maxPixels);
        this.maxImageBytes = maxImageBytes;
    }

    /**
     * @param photo an encoded image
     * @return the image or why not; never throws for bad input
     */
    Decoded decode(Photo photo) {
        if (photo.bytes().length > maxImageBytes) {
            return new Decoded(null, "image of " + photo.bytes().length + " bytes exceeds max_image_bytes="
                    + maxImageBytes, true);
        }
        ImageDecoder.Result r = decoder.decode(photo.bytes());
        return r.ok() ? new Decoded(r.image(), null, false) : new Decoded(null, r.reason(), false);
    }

    /**
     * Decodes every photo and aligns its largest face.
     *
     * @param photos   the photos
     * @param detector the detector
     * @param aligner  the aligner
     * @return crops and per-photo results
     * @throws FaceGateException or another runtime exception if a stage fails (not for bad photos)
     */
    Enrolment prepareEnrolment(List<Photo> photos, FaceDetector detector, FaceAligner aligner) {
        List<AlignedFace> crops = new ArrayList<>();
        List<PhotoResult> results = new ArrayList<>();
        for (Photo photo : photos) {
            Decoded d = decode(photo);
            if (d.image() == null) {
                results.add(new PhotoResult(photo.label(), false, 0, d.problem()));
                continue;
            }
            List<DetectedFace> faces = detect(detector, d.image());
            if (faces.isEmpty()) {
                results.add(new PhotoResult(photo.label(), false, 0, "no face found"));
                continue;
            }
            try {
                crops.add(aligner.align(d.image(), largest(faces), ENROL_SIZE));
                results.add(new PhotoResult(photo.label(), true, faces.size(), null));
            } catch (IllegalArgumentException refused) {
                // degenerate landmarks: the photo is reported, not enrolled
                results.add(new PhotoResult(photo.label(), false, faces.size(),
                        "the largest face could not be aligned: " + refused.getMessage()));
            }
        }
        return new Enrolment(crops, results);
    }

    /**
     * Every face of an image with its identity, as the pipeline would report it.
     *
     * @param image    a decoded image
     * @param detector the detector
     * @param aligner  the aligner
     * @param embedder the active embedder
     * @param gallery  the gallery
     * @return the faces; a face the aligner refuses is reported unknown (similarity -1)
     * @throws FaceGateException or another runtime exception if a stage fails
     */
    IdentifyResult identify(RgbImage image, FaceDetector detector, FaceAligner aligner, FaceEmbedder embedder,
                            Gallery gallery) {
        ModelInfo model = embedder.model();
        List<DetectedFace> faces = detect(detector, image);
        List<AlignedFace> aligned = new ArrayList<>(faces.size());
        List<Integer> alignedIndex = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            try {
                aligned.add(aligner.align(image, faces.get(i), model.inputSize()));
                alignedIndex.add(i);
            } catch (IllegalArgumentException refused) {
                // degenerate landmarks: the face is reported, unidentified
            }
        }
        List<Embedding> embeddings = aligned.isEmpty() ? List.of() : embedder.embed(aligned);
        if (embeddings == null || embeddings.size() != aligned.size()) {
            throw new FaceGateException("embedder " + model.key() + " returned "
                    + (embeddings == null ? "null" : embeddings.size() + " embeddings") + " for " + aligned.size()
                    + " faces");
        }
        Identity[] identities = new Identity[faces.size()];
        for (int j = 0; j < embeddings.size(); j++) {
            identities[alignedIndex.get(j)] = gallery.identify(embeddings.get(j));
        }
        List<RecognizedFace> out = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            Identity id = identities[i] != null ? identities[i] : Identity.unknown(-1f, model.recommendedThreshold());
            out.add(new RecognizedFace(faces.get(i), id));
        }
        return new IdentifyResult(model.key(), image.width(), image.height(), out);
    }

    private static List<DetectedFace> detect(FaceDetector detector, RgbImage image) {
        List<DetectedFace> faces = detector.detect(image);
        if (faces == null) {
            throw new FaceGateException("detector returned null");
        }
        return faces;
    }

    /**
     * @param faces at least one face
     * @return the largest: on an enrolment photo, the person being enrolled
     */
    static DetectedFace largest(List<DetectedFace> faces) {
        return faces.stream().max(Comparator.comparingDouble(f -> f.box().area())).orElseThrow();
    }
}
