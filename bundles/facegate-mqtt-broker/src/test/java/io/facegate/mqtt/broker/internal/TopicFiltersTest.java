package io.facegate.mqtt.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicFiltersTest {

    @Test
    void validNamesAndFilters() {
        assertTrue(TopicFilters.isValidName("facegate/gw1/events"));
        assertTrue(TopicFilters.isValidName("/"), "two empty levels");
        assertTrue(TopicFilters.isValidName("$SYS/broker"));
        assertFalse(TopicFilters.isValidName(""));
        assertFalse(TopicFilters.isValidName(null));
        assertFalse(TopicFilters.isValidName("facegate/+/events"));
        assertFalse(TopicFilters.isValidName("facegate/#"));
        assertFalse(TopicFilters.isValidName("a\u0000b"));
        assertFalse(TopicFilters.isValidName("x".repeat(65_536)));

        assertTrue(TopicFilters.isValidFilter("#"));
        assertTrue(TopicFilters.isValidFilter("+"));
        assertTrue(TopicFilters.isValidFilter("a/+/b/#"));
        assertTrue(TopicFilters.isValidFilter("+/+"));
        assertFalse(TopicFilters.isValidFilter("a/#/b"), "# only last");
        assertFalse(TopicFilters.isValidFilter("a/b#"), "# a whole level");
        assertFalse(TopicFilters.isValidFilter("a/b+/c"), "+ a whole level");
        assertFalse(TopicFilters.isValidFilter(""));
    }

    @Test
    void wildcardsMatchAsMqttSays() {
        assertTrue(TopicFilters.matches("facegate/+/events", "facegate/gw1/events"));
        assertFalse(TopicFilters.matches("facegate/+/events", "facegate/gw1/x/events"), "+ is one level");
        assertFalse(TopicFilters.matches("facegate/+/events", "facegate/events"));
        assertTrue(TopicFilters.matches("facegate/+/events", "facegate//events"), "+ matches an empty level");
        assertTrue(TopicFilters.matches("facegate/#", "facegate"), "# includes the parent level");
        assertTrue(TopicFilters.matches("facegate/#", "facegate/a/b/c"));
        assertTrue(TopicFilters.matches("facegate/#", "facegate/"));
        assertFalse(TopicFilters.matches("facegate/#", "facegatex/a"));
        assertFalse(TopicFilters.matches("facegate/#", "Facegate/a"), "case-sensitive");
        assertTrue(TopicFilters.matches("#", "anything/at/all"));
        assertTrue(TopicFilters.matches("a/b", "a/b"));
        assertFalse(TopicFilters.matches("a/b", "a/b/"), "a trailing slash is one more, empty level");
        assertFalse(TopicFilters.matches("a/b", "a/+"), "a name has no wildcards");
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards() {
        assertFalse(TopicFilters.matches("#", "$SYS/broker/clients"));
        assertFalse(TopicFilters.matches("+/broker/clients", "$SYS/broker/clients"));
        assertTrue(TopicFilters.matches("$SYS/#", "$SYS/broker/clients"));
        assertFalse(TopicFilters.covers("#", "$SYS/#"));
        assertFalse(TopicFilters.covers("facegate/#", "$SYS/#"));
    }

    @Test
    void levelsAreLiteralNoPathSemantics() {
        // "facegate/x/cmd/../.." is five levels named facegate, x, cmd, .., ..: not facegate/x
        assertEquals(List.of("facegate", "x", "cmd", "..", ".."), TopicFilters.levels("facegate/x/cmd/../.."));
        assertTrue(TopicFilters.matches("facegate/+/cmd/#", "facegate/x/cmd/../.."));
        assertFalse(TopicFilters.matches("facegate/+/events", "facegate/x/cmd/../../events"));
        assertFalse(TopicFilters.matches("facegate/+/events", "facegate/../gw1/events"));
        assertFalse(TopicFilters.matches("facegate/gw1/events", "facegate/gw1/./events"));
        assertEquals(List.of("a", "", "b"), TopicFilters.levels("a//b"));
    }

    @Test
    void coverageOfSubscriptionFilters() {
        assertTrue(TopicFilters.covers("facegate/#", "facegate/#"));
        assertTrue(TopicFilters.covers("facegate/#", "facegate/+/events"));
        assertTrue(TopicFilters.covers("facegate/#", "facegate"));
        assertTrue(TopicFilters.covers("facegate/+/cmd/#", "facegate/gw1/cmd/#"));
        assertTrue(TopicFilters.covers("facegate/+/cmd/#", "facegate/+/cmd/people"));
        assertTrue(TopicFilters.covers("facegate/+/cmd/#", "facegate/gw1/cmd"));
        assertTrue(TopicFilters.covers("a/+", "a/+"));
        assertFalse(TopicFilters.covers("facegate/+/cmd/#", "facegate/#"), "wider than allowed");
        assertFalse(TopicFilters.covers("facegate/+/cmd/#", "facegate/+/#"));
        assertFalse(TopicFilters.covers("facegate/gw1/cmd/#", "facegate/+/cmd/#"), "+ is wider than gw1");
        assertFalse(TopicFilters.covers("facegate/#", "#"));
        assertFalse(TopicFilters.covers("facegate/#", "+/#"));
        assertFalse(TopicFilters.covers("a/b", "a/b/#"));
        assertFalse(TopicFilters.covers("a/+", "a/+/c"));
        assertFalse(TopicFilters.covers("a/+", "a"));
        assertFalse(TopicFilters.covers("facegate/#", "facegate/#/x"), "invalid requested filter");
        assertFalse(TopicFilters.covers("facegate/#", ""));
    }
}
