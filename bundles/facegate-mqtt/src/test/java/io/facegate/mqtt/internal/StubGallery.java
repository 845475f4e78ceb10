package io.facegate.mqtt.internal;

import io.facegate.api.AlignedFace;
import io.facegate.api.Embedding;
import io.facegate.api.Gallery;
import io.facegate.api.GalleryHealth;
import io.facegate.api.Identity;
import io.facegate.api.PersonSummary;
import java.util.List;

/** A gallery that only reports a health and a list of names, for the status and Home Assistant tests. */
record StubGallery(GalleryHealth health, List<String> people) implements Gallery {
    StubGallery(GalleryHealth health) {
        this(health, List.of());
    }

    @Override
    public void enroll(String name, List<AlignedFace> faces) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean forget(String name) {
        return false;
    }

    @Override
    public boolean rename(String from, String to) {
        return false;
    }

    @Override
    public List<PersonSummary> summaries() {
        return List.of();
    }

    @Override
    public Identity identify(Embedding embedding) {
        return Identity.unknown(-1, 1);
    }
}
