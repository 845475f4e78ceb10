package io.facegate.gallery.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable snapshot of the gallery: people, their photos, and the
 * embeddings of every model the gallery holds, keyed by {@link ModelMeta#key()}.
 * Writers derive a new snapshot and publish it with one volatile write;
 * readers never lock. Vectors are unit length and never handed out.
 */
final class GalleryState {
    /**
     * One stored crop.
     *
     * @param id            generated id (16 hex digits), also its file name
     * @param size          crop side in pixels
     * @param cropAvailable false if the crop file is missing or damaged, so it cannot be re-embedded
     */
    record Photo(String id, int size, boolean cropAvailable) {
    }

    /**
     * One enrolled person.
     *
     * @param id     generated id (16 hex digits), the only thing used in file names
     * @param name   the validated display name
     * @param photos their crops, in enrolment order
     */
    record Person(String id, String name, List<Photo> photos) {
        Person {
            photos = List.copyOf(photos);
        }

        Photo photo(String photoId) {
            for (Photo p : photos) {
                if (p.id().equals(photoId)) {
                    return p;
                }
            }
            return null;
        }
    }

    /**
     * All embeddings of one model.
     *
     * @param meta     the model
     * @param byPerson person id to (photo id to unit vector)
     */
    record ModelVectors(ModelMeta meta, Map<String, Map<String, float[]>> byPerson) {
    }

    /** The flattened vectors of one model, built on first use: row {@code r} belongs to {@code names[r]}. */
    record Matrix(int dimension, float[] data, String[] names) {
        int rows() {
            return names.length;
        }
    }

    /**
     * The best match of a probe.
     *
     * @param name       the person, or null if the model has no vectors
     * @param similarity best cosine, -1 if none
     */
    record Match(String name, float similarity) {
    }

    static final GalleryState EMPTY = new GalleryState(Map.of(), Map.of());

    private final Map<String, Person> people;
    private final NavigableMap<String, String> idsByName;
    private final Map<String, ModelVectors> models;
    private final Map<String, Matrix> matrices = new ConcurrentHashMap<>();

    /**
     * @param people people by id
     * @param models vectors by model key; vectors of unknown people or photos are dropped
     */
    GalleryState(Map<String, Person> people, Map<String, ModelVectors> models) {
        Map<String, Person> ps = new LinkedHashMap<>();
        TreeMap<String, String> names = new TreeMap<>();
        people.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).forEach(p -> {
            ps.put(p.id(), p);
            if (names.put(p.name(), p.id()) != null) {
                throw new IllegalArgumentException("duplicate person name " + p.name());
            }
        });
        Map<String, ModelVectors> ms = new HashMap<>();
        for (ModelVectors mv : models.values()) {
            Map<String, Map<String, float[]>> byPerson = new HashMap<>();
            mv.byPerson().forEach((pid, photos) -> {
                Person p = ps.get(pid);
                if (p == null) {
                    return;
                }
                Map<String, float[]> kept = new LinkedHashMap<>();
                photos.forEach((photoId, v) -> {
                    if (p.photo(photoId) != null && v.length == mv.meta().dimension()) {
                        kept.put(photoId, v);
                    }
                });
                if (!kept.isEmpty()) {
                    byPerson.put(pid, Collections.unmodifiableMap(kept));
                }
            });
            ms.put(mv.meta().key(), new ModelVectors(mv.meta(), Collections.unmodifiableMap(byPerson)));
        }
        this.people = Collections.unmodifiableMap(ps);
        this.idsByName = Collections.unmodifiableNavigableMap(names);
        this.models = Collections.unmodifiableMap(ms);
    }

    /** @return people by id */
    Map<String, Person> people() {
        return people;
    }

    /** @return enrolled names, sorted */
    List<String> names() {
        return List.copyOf(idsByName.keySet());
    }

    /**
     * @param name a validated name
     * @return that person, or null
     */
    Person byName(String name) {
        String id = idsByName.get(name);
        return id == null ? null : people.get(id);
    }

    /** @return vectors by model key */
    Map<String, ModelVectors> models() {
        return models;
    }

    /**
     * @param modelKey a model
     * @param personId a person
     * @return that person's vectors of that model by photo id; empty if none
     */
    Map<String, float[]> vectors(String modelKey, String personId) {
        ModelVectors mv = models.get(modelKey);
        Map<String, float[]> v = mv == null ? null : mv.byPerson().get(personId);
        return v == null ? Map.of() : v;
    }

    /**
     * @param modelKey a model
     * @return number of vectors held for it
     */
    int vectorCount(String modelKey) {
        ModelVectors mv = models.get(modelKey);
        return mv == null ? 0 : mv.byPerson().values().stream().mapToInt(Map::size).sum();
    }

    /**
     * @param modelKey a model
     * @param personId a person
     * @return how many of their photos have a vector of that model
     */
    int vectorCount(String modelKey, String personId) {
        return vectors(modelKey, personId).size();
    }

    /**
     * @param modelKey a model
     * @return per person, the photos that have a readable crop but no vector of that model
     */
    Map<Person, List<Photo>> missing(String modelKey) {
        Map<Person, List<Photo>> out = new LinkedHashMap<>();
        for (Person p : people.values()) {
            Map<String, float[]> have = vectors(modelKey, p.id());
            List<Photo> miss = new ArrayList<>();
            for (Photo ph : p.photos()) {
                if (ph.cropAvailable() && !have.containsKey(ph.id())) {
                    miss.add(ph);
                }
            }
            if (!miss.isEmpty()) {
                out.put(p, miss);
            }
        }
        return out;
    }

    /**
     * @param person  a person, new or replacing the one with the same id
     * @param meta    model of {@code vectors}, or null if there are none
     * @param vectors vectors to add to that person for that model, by photo id
     * @return the new snapshot
     */
    GalleryState withPerson(Person person, ModelMeta meta, Map<String, float[]> vectors) {
        Map<String, Person> ps = new HashMap<>(people);
        ps.put(person.id(), person);
        return new GalleryState(ps, meta == null ? models : addVectors(meta, person.id(), vectors));
    }

    /**
     * @param meta     a model
     * @param personId an enrolled person
     * @param vectors  vectors to add, by photo id
     * @return the new snapshot
     */
    GalleryState withVectors(ModelMeta meta, String personId, Map<String, float[]> vectors) {
        return new GalleryState(people, addVectors(meta, personId, vectors));
    }

    /**
     * @param personId a person
     * @return the snapshot without that person and all their vectors
     */
    GalleryState withoutPerson(String personId) {
        Map<String, Person> ps = new HashMap<>(people);
        ps.remove(personId);
        return new GalleryState(ps, models);
    }

    /**
     * @param personId an enrolled person
     * @param name     their new, validated name, not used by anyone else
     * @return the snapshot with that person renamed; photos and vectors unchanged
     * @throws IllegalArgumentException if another person has that name
     */
    GalleryState withName(String personId, String name) {
        Person p = people.get(personId);
        if (p == null) {
            return this;
        }
        Map<String, Person> ps = new HashMap<>(people);
        ps.put(personId, new Person(p.id(), name, p.photos()));
        return new GalleryState(ps, models);
    }

    /**
     * @param personId a person
     * @param photoId  one of their photos whose crop turned out unreadable
     * @return the snapshot with that crop marked unavailable (its vectors stay)
     */
    GalleryState withCropUnavailable(String personId, String photoId) {
        Person p = people.get(personId);
        if (p == null) {
            return this;
        }
        List<Photo> photos = new ArrayList<>();
        for (Photo ph : p.photos()) {
            photos.add(ph.id().equals(photoId) ? new Photo(ph.id(), ph.size(), false) : ph);
        }
        Map<String, Person> ps = new HashMap<>(people);
        ps.put(personId, new Person(p.id(), p.name(), photos));
        return new GalleryState(ps, models);
    }

    private Map<String, ModelVectors> addVectors(ModelMeta meta, String personId, Map<String, float[]> vectors) {
        Map<String, ModelVectors> ms = new HashMap<>(models);
        ModelVectors old = ms.get(meta.key());
        if (old != null && old.meta().dimension() != meta.dimension()) {
            throw new IllegalArgumentException("model " + meta.key() + " changed its dimension from "
                    + old.meta().dimension() + " to " + meta.dimension());
        }
        Map<String, Map<String, float[]>> byPerson = new HashMap<>(old == null ? Map.of() : old.byPerson());
        Map<String, float[]> mine = new LinkedHashMap<>(byPerson.getOrDefault(personId, Map.of()));
        mine.putAll(vectors);
        byPerson.put(personId, mine);
        // the newest metadata wins (e.g. a recommended threshold seen on the live embedder)
        ms.put(meta.key(), new ModelVectors(meta, byPerson));
        return ms;
    }

    /**
     * Open-set best match: the highest cosine over every stored vector of the
     * model, i.e. for each person the maximum over their photos, then the best person.
     *
     * @param modelKey the probe's model
     * @param probe    unit-length probe vector
     * @return the best match; name null and similarity -1 if the model has no vectors
     * @throws IllegalArgumentException if the probe's length differs from the model's
     */
    Match best(String modelKey, float[] probe) {
        Matrix m = matrix(modelKey);
        if (m == null || m.rows() == 0) {
            return new Match(null, -1f);
        }
        if (probe.length != m.dimension()) {
            throw new IllegalArgumentException("probe of " + modelKey + " has " + probe.length
                    + " dimensions, the gallery holds " + m.dimension());
        }
        int d = m.dimension();
        float[] data = m.data();
        double best = Double.NEGATIVE_INFINITY;
        int bestRow = -1;
        for (int r = 0, o = 0; r < m.rows(); r++, o += d) {
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += (double) data[o + i] * probe[i];
            }
            if (dot > best) {
                best = dot;
                bestRow = r;
            }
        }
        float sim = (float) Math.max(-1, Math.min(1, best));
        return new Match(m.names()[bestRow], sim);
    }

    /**
     * @param modelKey a model
     * @return its vectors flattened, or null if the gallery holds none
     */
    Matrix matrix(String modelKey) {
        ModelVectors mv = models.get(modelKey);
        if (mv == null) {
            return null;
        }
        return matrices.computeIfAbsent(modelKey, k -> {
            int d = mv.meta().dimension();
            List<String> names = new ArrayList<>();
            List<float[]> rows = new ArrayList<>();
            // deterministic order: by name, then enrolment order of the photos
            for (Map.Entry<String, String> e : idsByName.entrySet()) {
                Map<String, float[]> v = mv.byPerson().get(e.getValue());
                if (v == null) {
                    continue;
                }
                for (Photo ph : people.get(e.getValue()).photos()) {
                    float[] row = v.get(ph.id());
                    if (row != null) {
                        names.add(e.getKey());
                        rows.add(row);
                    }
                }
            }
            float[] data = new float[rows.size() * d];
            for (int r = 0; r < rows.size(); r++) {
                System.arraycopy(rows.get(r), 0, data, r * d, d);
            }
            return new Matrix(d, data, names.toArray(String[]::new));
        });
    }

    @Override
    public String toString() {
        return "GalleryState[" + people.size() + " people, models " + models.keySet() + "]";
    }
}
