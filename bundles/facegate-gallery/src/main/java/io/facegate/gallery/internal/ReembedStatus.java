package io.facegate.gallery.internal;

/**
 * Progress of the background re-embedding, for tests and diagnostics.
 *
 * @param phase    where it stands
 * @param modelKey the model being (or last) embedded for, or null if there is no embedder
 * @param done     crops embedded in the current pass
 * @param total    crops the current pass has to embed
 * @param message  the failure, or a short description
 */
record ReembedStatus(Phase phase, String modelKey, int done, int total, String message) {
    /** Where the re-embedding stands. */
    enum Phase {
        /** nothing has run yet */
        IDLE,
        /** no FaceEmbedder is bound; enrolled crops wait for one */
        NO_EMBEDDER,
        /** a pass is embedding crops that lack an embedding of the active model */
        RUNNING,
        /** every readable crop has an embedding of the active model */
        DONE,
        /** the last pass stopped on an error; it is retried when the embedder changes or on restart */
        FAILED
    }

    static final ReembedStatus IDLE = new ReembedStatus(Phase.IDLE, null, 0, 0, "");
}
