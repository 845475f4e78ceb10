package io.facegate.api.operations;

import java.util.List;

/**
 * The outcome of an enrolment.
 *
 * @param name     the person
 * @param enrolled photos enrolled
 * @param photos   one result per photo, in request order
 */
public record EnrollResult(String name, int enrolled, List<PhotoResult> photos) {
    /** Copies the list so the result stays immutable. */
    public EnrollResult {
        photos = List.copyOf(photos);
    }
}
