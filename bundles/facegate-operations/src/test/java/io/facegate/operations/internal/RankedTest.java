package io.facegate.operations.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Best-ranked choice and the wait that keeps a service alive while an operation uses it. */
class RankedTest {

    @Test
    void theBestIsTheHighestRankingThenTheOldest() {
        Ranked<String> r = new Ranked<>();
        assertNull(r.acquire());
        r.add("old", Map.of("service.id", 5L));
        r.add("new", Map.of("service.id", 9L));
        try (Ranked.Lease<String> l = r.acquire()) {
            assertEquals("old", l.service());
        }
        r.update("new", Map.of("service.id", 9L, "service.ranking", 10));
        try (Ranked.Lease<String> l = r.acquire()) {
            assertEquals("new", l.service());
        }
        assertEquals(List.of("new", "old"), r.all().stream().map(Ranked.Bound::service).toList());
    }

    @Test
    void removalWaitsForTheOperationUsingTheService() throws Exception {
        Ranked<String> r = new Ranked<>();
        r.add("model", Map.of("service.id", 1L));
        Ranked.Lease<String> lease = r.acquire();

        CompletableFuture<Boolean> removed = CompletableFuture.supplyAsync(() -> r.remove("model", 10_000));
        Thread.sleep(100);
        assertFalse(removed.isDone(), "the unbind waits while the service is in use");
        assertNull(r.acquire(), "but no new operation gets it");
        lease.close();
        lease.close(); // a second close changes nothing
        assertTrue(removed.get(5, TimeUnit.SECONDS));
    }

    @Test
    void removalGivesUpAfterItsBound() {
        Ranked<String> r = new Ranked<>();
        r.add("model", Map.of());
        Ranked.Lease<String> lease = r.acquire();
        assertFalse(r.remove("model", 50));
        lease.close();
        assertTrue(r.remove("absent", 50));
    }
}
