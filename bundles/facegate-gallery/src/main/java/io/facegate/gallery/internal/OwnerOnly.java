package io.facegate.gallery.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Gallery files are biometric data: readable by the gateway's user only. Files
 * are created 0600 and directories 0700 (the mode is given at creation, so no
 * file is ever briefly readable by others), and what an older version created
 * with wider modes is tightened at startup. On a file system without POSIX
 * permissions nothing is restricted (the caller logs it at DEBUG).
 */
final class OwnerOnly {
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

    private OwnerOnly() {
    }

    /**
     * @param p a path
     * @return whether its file system has POSIX permissions
     */
    static boolean supported(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * @param p a file about to be created
     * @return the attributes that create it 0600, none on a non-POSIX file system
     */
    static FileAttribute<?>[] file(Path p) {
        return supported(p) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : NONE;
    }

    /**
     * Creates a directory and its missing parents, each 0700.
     *
     * @param dir a directory
     * @throws IOException if it cannot be created
     */
    static void createDirectories(Path dir) throws IOException {
        if (supported(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        } else {
            Files.createDirectories(dir);
        }
    }

    /**
     * @param perms permissions of a file
     * @return whether anyone but the owner has any access
     */
    static boolean othersHaveAccess(Set<PosixFilePermission> perms) {
        for (PosixFilePermission p : perms) {
            if (GROUP_OR_OTHERS.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sets every file under {@code root} (and {@code root} itself) that group or others can
     * access to 0600, every such directory to 0700. Symbolic links are neither followed nor changed.
     *
     * @param root     a directory
     * @param problems where files that could not be changed are reported
     * @return how many files and directories were changed; -1 on a non-POSIX file system
     * @throws IOException if the tree cannot be walked
     */
    static int tighten(Path root, List<String> problems) throws IOException {
        if (!supported(root)) {
            return -1;
        }
        int changed = 0;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                PosixFileAttributes a;
                try {
                    a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
                if (a.isSymbolicLink() || !othersHaveAccess(a.permissions())) {
                    continue;
                }
                try {
                    Files.setPosixFilePermissions(p, a.isDirectory() ? DIRECTORY : FILE);
                    changed++;
                } catch (IOException | UnsupportedOperationException e) {
                    problems.add("could not restrict " + p + " to the gateway's user: " + e);
                }
            }
        }
        return changed;
    }
}
