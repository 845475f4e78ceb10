package io.facegate.deploy.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * POSIX modes of the files facegate-deploy trusts (also used by the exported {@code io.facegate.deploy.manifest}): private keys and the ledger are created 0600 (the mode is given at
 * creation, so they are never briefly readable by others), folders 0700. On a file system without POSIX
 * permissions nothing is restricted nor checked.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> WRITE = EnumSet.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    private OwnerOnly() {
    }

    public static boolean supported(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** @return the attributes that create a file 0600; none on a non-POSIX file system */
    public static FileAttribute<?>[] file(Path p) {
        return supported(p)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    /** Creates a folder and its missing parents 0700. */
    public static void createDirectories(Path dir) throws IOException {
        if (supported(dir)) {
            Files.createDirectories(dir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** @return the mode (e.g. {@code rw-r--r--}) if group or others have any access to {@code p}, else null */
    public static String accessibleByOthers(Path p) throws IOException {
        return offending(p, GROUP_OR_OTHERS);
    }

    /** @return the mode if group or others may write {@code p}, else null */
    public static String writableByOthers(Path p) throws IOException {
        return offending(p, WRITE);
    }

    private static String offending(Path p, Set<PosixFilePermission> bad) throws IOException {
        if (!supported(p)) {
            return null;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        for (PosixFilePermission x : perms) {
            if (bad.contains(x)) {
                return PosixFilePermissions.toString(perms);
            }
        }
        return null;
    }
}
