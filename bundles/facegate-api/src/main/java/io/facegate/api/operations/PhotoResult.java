package io.facegate.api.operations;

/**
 * What enrolment did with one photo.
 *
 * @param label    the photo's label
 * @param enrolled whether its largest face was enrolled
 * @param faces    faces found on it (0 if it could not be decoded)
 * @param problem  why it was not enrolled, or {@code null}
 */
public record PhotoResult(String label, boolean enrolled, int faces, String problem) {
}
