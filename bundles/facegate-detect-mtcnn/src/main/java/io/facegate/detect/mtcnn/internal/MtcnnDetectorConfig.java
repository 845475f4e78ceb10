package io.facegate.detect.mtcnn.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the MTCNN face detector (PID {@value MtcnnFaceDetector#PID}). */
@ObjectClassDefinition(name = "facegate MTCNN face detector",
        description = "Image pyramid and per-stage thresholds of the MTCNN cascade.")
public @interface MtcnnDetectorConfig {

    /** @return smallest face to find, in pixels of the working image */
    @AttributeDefinition(name = "Minimum face size", min = "12",
            description = "Smallest face to find, in pixels of the working image (after the maximum-side "
                    + "downscale). At least 12, P-Net's window; smaller values make the pyramid larger and slower.")
    int minFaceSize() default MtcnnSettings.DEFAULT_MIN_FACE_SIZE;

    /** @return ratio between neighbouring pyramid scales */
    @AttributeDefinition(name = "Pyramid scale factor", min = "0.3", max = "0.95",
            description = "Ratio between neighbouring pyramid scales, 0.3..0.95. Closer to 1 finds more "
                    + "faces at more cost.")
    float scaleFactor() default MtcnnSettings.DEFAULT_SCALE_FACTOR;

    /** @return P-Net score threshold */
    @AttributeDefinition(name = "P-Net threshold", min = "0", max = "1",
            description = "Minimum face probability for a P-Net candidate, 0..1.")
    float pnetThreshold() default MtcnnSettings.DEFAULT_PNET_THRESHOLD;

    /** @return R-Net score threshold */
    @AttributeDefinition(name = "R-Net threshold", min = "0", max = "1",
            description = "Minimum face probability for an R-Net candidate, 0..1.")
    float rnetThreshold() default MtcnnSettings.DEFAULT_RNET_THRESHOLD;

    /** @return O-Net score threshold */
    @AttributeDefinition(name = "O-Net threshold", min = "0", max = "1",
            description = "Minimum face probability of a reported face, 0..1.")
    float onetThreshold() default MtcnnSettings.DEFAULT_ONET_THRESHOLD;

    /** @return longest side of the working image */
    @AttributeDefinition(name = "Maximum image side", min = "48", max = "2896",
            description = "Larger images are downscaled to this longest side before detection; results "
                    + "are still reported in the original image's pixels. 48..2896.")
    int maxImageSide() default MtcnnSettings.DEFAULT_MAX_IMAGE_SIDE;
}
