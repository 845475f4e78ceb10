package io.facegate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads this process's resident set size from {@code /proc/self/status} (Linux). */
final class RssSampler {
    private static final Path STATUS = Path.of("/proc/self/status");

    /** Resident memory in kB: all of it, and the anonymous part (heap, malloc; no mapped files). */
    record Rss(long vmRssKb, long rssAnonKb) {
        double vmRssMb() {
            return vmRssKb / 1024.0;
        }

        double rssAnonMb() {
            return rssAnonKb / 1024.0;
        }
    }

    private RssSampler() {
    }

    /** @return whether {@code /proc/self/status} can be read */
    static boolean available() {
        return Files.isReadable(STATUS);
    }

    /**
     * @return the current resident set size
     * @throws IllegalStateException if {@code /proc/self/status} is unreadable or lacks VmRSS
     */
    static Rss sample() {
        try {
            return parse(Files.readAllLines(STATUS));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + STATUS + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param lines the lines of a {@code /proc/<pid>/status} file
     * @return VmRSS and RssAnon (-1 when the kernel does not report RssAnon)
     * @throws IllegalStateException without a VmRSS line
     */
    static Rss parse(List<String> lines) {
        long vmRss = -1;
        long anon = -1;
        for (String line : lines) {
            if (line.startsWith("VmRSS:")) {
                vmRss = kb(line);
            } else if (line.startsWith("RssAnon:")) {
                anon = kb(line);
            }
        }
        if (vmRss < 0) {
            throw new IllegalStateException("no VmRSS line in " + STATUS);
        }
        return new Rss(vmRss, anon);
    }

    /** {@code "VmRSS:\t  123456 kB"} to 123456. */
    private static long kb(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
            throw new IllegalStateException("unexpected line in " + STATUS + ": " + line);
        }
        return Long.parseLong(parts[0]);
    }
}
