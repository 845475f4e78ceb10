package io.facegate.push;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;

/**
  * Operator CLI for signed remote updates: {@code keygen}, {@code sign}, {@code verify}, {@code push},
  * {@code rollback}, {@code uninstall}. Exit codes: 0 ok, 1 failed (files, keys, no answer), 2 refused (the reason
  * code is printed), 64 bad command line.
  */
public final class PushCli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int REJECTED = 2;
    static final int USAGE = 64;

    private static final String HELP = """
        Usage: facegate-push COMMAND [options]

          keygen --out DIR [--name NAME]
              New Ed25519 key pair: DIR/NAME.key (private, 0600) and DIR/NAME.pub; NAME defaults to
              'operator'. Prints the key id. Never replaces existing files.

          sign --key FILE [--pub FILE] --name N --version V --kind bundle|model|feature
               (--gateway ID | --group G) --release R [--rollback] [--out FILE] ARTIFACT
          sign --uninstall --key FILE [--pub FILE] --name N --version V --kind bundle|model|feature
               (--gateway ID | --group G) --release R [--out FILE]
              Writes the signed manifest envelope of ARTIFACT to ARTIFACT.signed.json (or --out).
              The private key is read from FILE (must be 0600); its public key from --pub, by default
              FILE with .key replaced by .pub. Prints the key id, the sha256 and the size.
              --uninstall: the envelope that removes bundle N, installed at version V (no ARTIFACT;
              R must exceed every release of N accepted), written to N-V.uninstall.signed.json in the
              current directory (or --out); prints the key id and what it removes.

          push --broker URL (--gateway ID | --group G (--members ID,ID | --expect N))
               [--user U --password-file FILE] [--prefix P] [--envelope FILE] [--job ID]
               [--chunk-kib N] [--timeout-s S] [--roll-call-s S] [--reply-s S] [--retries N] ARTIFACT
          push --url HTTP_URL --broker URL (--gateway ID | --group G (...)) [options as above, not
               --chunk-kib] (ARTIFACT | --envelope FILE)
              Sends ARTIFACT with its envelope (default ARTIFACT.signed.json) to the gateway over MQTT
              (deploy/install, in chunks), shows the progress and prints the gateway's final report.
              Exit 0 only if the job ends "done". The password is read from FILE (0600).
              With --group (the envelope signed with --group G): a roll call on the group's topic
              (--roll-call-s, 3), then every member gets the chunks on its own topic, each reply awaited
              --reply-s (30) and the chunk sent again --retries (3) times; one report line per member
              (done, failed, rolled_back, refused, error, no answer). --members: these gateways
              (others that answer are reported, not sent to); --expect N: the N that answer, or
              nothing is sent. Exit 0 only if every member ends "done".
              --url: the gateway downloads the artifact from HTTP_URL (http or https) itself: one
              request, then the download's progress and the final report. ARTIFACT is optional here:
              given, it is checked against the envelope first (recommended); else --envelope is needed.

          rollback --broker URL (--gateway ID | --group G (--members ID,ID | --expect N))
                   [--user U --password-file FILE] [--prefix P] [--job ID] [--timeout-s S]
                   [--roll-call-s S] [--reply-s S] [--retries N] ENVELOPE
              Asks the gateway to go back to an earlier release it keeps: ENVELOPE is what
              sign --rollback --release <that release> wrote for that release's artifact. Nothing else
              is sent. Prints the gateway's final report; exit 0 only if it ends "done". --group: as
              for push.

          uninstall --broker URL (--gateway ID | --group G (--members ID,ID | --expect N))
                    [--user U --password-file FILE] [--prefix P] [--job ID] [--timeout-s S]
                    [--roll-call-s S] [--reply-s S] [--retries N] ENVELOPE
              Asks the gateway to remove the bundle that ENVELOPE (sign --uninstall) names. Checked
              first: an uninstall manifest, signed for this gateway or group. Prints the gateway's
              final report; exit 0 only if it ends "done" (the gateway reinstalls the bundle and
              reports rolled_back when the pipeline suffers). --group: as for push.

          verify --keys DIR [--revoked ID,ID] --gateway ID [--groups G,G] [--ledger FILE]
                 ENVELOPE ARTIFACT
              Checks both as a gateway would, with the *.pub keys of DIR, against the ledger FILE if
              given (it is not changed) or an empty one. Prints "ok", or the reason code and why.

        Exit codes: 0 ok, 1 failed (or a gateway did not answer), 2 refused (by verify, or by the
        gateway: 403 for any command, any 4xx for rollback, uninstall and push --url; a job that
        ended failed or rolled_back), 64 bad command line.
        """;

    private PushCli() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != OK) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            out.print(HELP);
            return args.length == 0 ? USAGE : OK;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "keygen" -> Keygen.run(rest, out);
                case "sign" -> Sign.run(rest, out);
                case "verify" -> Verify.run(rest, out);
                case "push" -> Push.run(rest, out, err);
                case "rollback" -> RequestCommand.rollback(rest, out, err);
                case "uninstall" -> RequestCommand.uninstall(rest, out, err);
                default -> throw new UsageException("unknown command '" + args[0]
                        + "' (keygen, sign, verify, push, rollback, uninstall)");
            };
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("Try --help.");
            return USAGE;
        } catch (IOException e) {
            err.println("error: " + describe(e));
            return FAILED;
        }
    }

    /** NIO's exceptions often say only the path: say what happened to it. */
    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException x) {
            return "no such file " + x.getFile();
        }
        if (e instanceof FileAlreadyExistsException x) {
            return x.getFile() + " exists";
        }
        if (e instanceof AccessDeniedException x) {
            return "permission denied: " + x.getFile();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
