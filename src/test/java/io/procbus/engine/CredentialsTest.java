package io.procbus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procbus.api.ChildProcess;
import io.procbus.api.CommunicateResult;
import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child's credentials and umask (Python's {@code user}, {@code group}, {@code extra_groups}, {@code umask}) and
 * the descriptors it keeps ({@code pass_fds}): the child runs with exactly what it asked for, the service keeps
 * its own, and a switch touches no other child. The tests run as root (here and in CI), with the accounts every
 * Debian has: {@code nobody} (65534), {@code nogroup} (65534), {@code daemon} (1).
 */
public class CredentialsTest extends EngineTestBase {

  /** The child's ids and capabilities, from its own {@code /proc/self/status}. */
  private static final String STATUS = "grep -E '^(Uid|Gid|Groups|CapPrm|CapEff):' /proc/self/status";

  protected String out(ProcessOptions options, String... argv) throws Exception {
    ChildProcess p = exec(options.setStdout(io.procbus.api.Stdio.pipe()), argv);
    CommunicateResult r = await(p.communicate(null));
    assertEquals(0, r.returnCode(), "exit of " + Arrays.toString(argv));
    return str(r.stdout());
  }

  @Test
  @Timeout(30)
  void aUserAloneGivesTheChildItsIdsItsPrimaryGroupAndItsGroups() throws Exception {
    assertEquals("65534\n65534\n65534\n", out(opts().setUser("nobody"), "sh", "-c", "id -u; id -g; id -G"));
    // every id, saved ones too, and no capability left: exec set the saved ids to the effective ones
    assertEquals("Uid:\t65534\t65534\t65534\t65534\nGid:\t65534\t65534\t65534\t65534\nGroups:\t65534 \n"
      + "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n", out(opts().setUser("nobody"), "sh", "-c", STATUS));
  }

  @Test
  @Timeout(30)
  void theDocumentedOptionsRunTheChildAsNobodyWithItsUmask() throws Exception {
    // tag::credentials[]
    ProcessOptions options = new ProcessOptions().setUser("nobody").setUmask(0027);
    // end::credentials[]
    assertEquals("nobody\n0027\n", out(options, "sh", "-c", "id -un; umask"));
  }

  @Test
  void theFieldsRoundTripThroughJsonAndCopiesButPassFdsOnlyThroughCopies() {
    ProcessOptions o = opts().setUser("nobody").setGroup("1").setExtraGroups(List.of("2", "nogroup")).setUmask(023)
      .passFds(List.of(7));
    assertEquals(o.toJson(), new ProcessOptions(o.toJson()).toJson());
    io.vertx.core.json.JsonObject json = o.toJson();
    assertEquals("nobody", json.getString("user"));
    assertEquals("1", json.getString("group"));
    assertEquals(List.of("2", "nogroup"), json.getJsonArray("extraGroups").getList());
    assertEquals(19, json.getInteger("umask"), "023 octal is 19 in JSON");
    assertEquals(List.of(), new ProcessOptions(o.toJson()).passFds());
    assertEquals(List.of(7), new ProcessOptions(o).passFds());
    assertEquals(ProcessOptions.DEFAULT_UMASK, opts().getUmask());
  }

  @Test
  @Timeout(30)
  void groupAndExtraGroupsAreTheChildsByNameOrId() throws Exception {
    assertEquals("65534\n1\n1 2 65534\n", out(opts().setUser("65534").setGroup("daemon")
      .setExtraGroups(List.of("nogroup", "2")), "sh", "-c", "id -u; id -g; id -G"));
    assertEquals("0\n1\n", out(opts().setGroup("1"), "sh", "-c", "id -u; id -g"));
    assertEquals("Groups:\t \n", out(opts().setUser("nobody").setExtraGroups(List.of()), "grep", "^Groups:",
      "/proc/self/status"));
  }

  @Test
  @Timeout(30)
  void aNumericUserWithoutAnEntryNeedsAGroup() throws Exception {
    assertEquals("54321\n54320\n54320\n", out(opts().setUser("54321").setGroup("54320"), "sh", "-c",
      "id -u; id -g; id -G"));
    ProcessException e = failure(engine.exec(List.of("true"), opts().setUser("54321")));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertTrue(e.getMessage().contains("54321"), e.getMessage());
  }

  @Test
  @Timeout(30)
  void anUnknownUserOrGroupIsAnInvalidArgumentNamingIt() throws Exception {
    for (ProcessOptions o : List.of(opts().setUser("no-such-user-x"), opts().setGroup("no-such-group-x"),
      opts().setUser("nobody").setExtraGroups(List.of("nogroup", "no-such-group-x")))) {
      ProcessException e = failure(engine.exec(List.of("true"), o));
      assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e.toString());
      assertTrue(e.getMessage().contains("no-such-"), e.getMessage());
    }
    for (ProcessOptions o : List.of(opts().setUser(""), opts().setUser("4294967295"), opts().setUmask(01000),
      opts().setUmask(-2))) {
      assertEquals(ErrorCode.INVALID_ARGUMENT, failure(engine.exec(List.of("true"), o)).code(), o.toString());
    }
  }

  @Test
  @Timeout(30)
  void theChildOpensItsFilesAndChangesIntoItsCwdAsItsOwnUser(@TempDir Path dir) throws Exception {
    // dir is root's, mode 0700: nobody may not enter it
    ProcessException cwd = failure(engine.exec(List.of("true"), opts().setUser("nobody").setCwd(dir.toString())));
    assertEquals(ErrorCode.SPAWN_FAILED, cwd.code());
    assertEquals(13, cwd.errno(), "EACCES: " + cwd);
    assertTrue(cwd.getMessage().startsWith("cwd " + dir), cwd.getMessage());
    ProcessException file = failure(engine.exec(List.of("true"), opts().setUser("nobody")
      .setStdout(io.procbus.api.Stdio.file(dir.resolve("out").toString()))));
    assertEquals(13, file.errno(), "EACCES: " + file);
    assertTrue(file.getMessage().startsWith("stdout file "), file.getMessage());
    assertEquals(List.of(), liveChildrenOfThisJvm(), "nothing started");
  }

  @Test
  @Timeout(30)
  void theUmaskIsTheChildsAndModesTheFilesItCreates(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("made");
    assertEquals("0027\n", out(opts().setUmask(027), "sh", "-c", "umask; : > \"$1\"", "sh", file.toString()));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("0000\n", out(opts().setUmask(0), "sh", "-c", "umask"));
  }

  @Test
  @Timeout(60)
  void theSpawningThreadKeepsItsOwnIdentityAndUmask(@TempDir Path dir) throws Exception {
    Set<String> before = threadCredentials();
    int dumpable = dumpable();
    assertEquals(1, before.size(), "every thread alike before: " + before);
    Context context = vertx.getOrCreateContext();
    ChildProcess p = track(await(onContext(context, () -> engine.exec(List.of("id", "-u"),
      opts().setUser("nobody").setUmask(077).setStdout(io.procbus.api.Stdio.pipe()))).compose(f -> f)));
    assertEquals("65534\n", str(await(p.communicate(null)).stdout()));
    // the thread that spawned creates a file as the service: owned by root, with the service's umask
    Path mine = dir.resolve("by-the-service");
    await(onContext(context, () -> {
      try {
        return Files.createFile(mine);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }));
    Path control = Files.createFile(dir.resolve("by-the-test"));
    assertEquals(0, Files.getAttribute(mine, "unix:uid"));
    assertEquals(0, Files.getAttribute(mine, "unix:gid"));
    assertEquals(Files.getPosixFilePermissions(control), Files.getPosixFilePermissions(mine));
    assertEquals(before, threadCredentials(), "every thread's ids, groups, umask and capabilities, before and after");
    assertTrue(before.iterator().next().contains("Uid:\t0\t0\t0\t0"), "the service is root: " + before);
    assertEquals(dumpable, dumpable(), "the JVM's dumpable flag, which a change of effective id resets");
  }

  @Test
  @Timeout(120)
  void aSwitchIsOnlyForItsChildEvenWithSpawnsAlongside() throws Exception {
    List<Future<String>> as = new ArrayList<>();
    List<Future<String>> plain = new ArrayList<>();
    Context a = vertx.getOrCreateContext();
    Context b = vertx.getOrCreateContext();
    String umask = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Umask:"))
      .findFirst().orElseThrow().substring("Umask:".length()).trim();
    for (int i = 0; i < 40; i++) {
      as.add(idOn(a, opts().setUser("nobody").setUmask(077)));
      plain.add(idOn(b, opts()));
    }
    for (int i = 0; i < 40; i++) {
      assertEquals("65534 0077", await(as.get(i)), "child " + i + " as nobody");
      assertEquals("0 " + umask, await(plain.get(i)), "child " + i + " without credentials");
    }
  }

  private Future<String> idOn(Context context, ProcessOptions options) {
    return onContext(context, () -> engine.exec(List.of("sh", "-c", "echo $(id -u) $(umask)"),
      options.setStdout(io.procbus.api.Stdio.pipe()))).compose(f -> f)
      .compose(p -> track(p).communicate(null)).map(r -> str(r.stdout()).trim());
  }

  @Test
  @Timeout(30)
  protected void passedFdsStayOpenAtTheirNumbersAndNoOtherDoes(@TempDir Path dir) throws Exception {
    Path passedFile = dir.resolve("passed");
    Path otherFile = dir.resolve("other");
    try (FileOutputStream passed = new FileOutputStream(passedFile.toFile());
         FileOutputStream other = new FileOutputStream(otherFile.toFile())) {
      int fd = fdOf(passedFile);
      int unpassed = fdOf(otherFile);
      // bash: dash redirects single-digit fds only
      assertEquals("", out(opts().passFds(List.of(fd)), "bash", "-c", "echo x >&" + fd));
      assertEquals("x\n", Files.readString(passedFile, StandardCharsets.UTF_8));
      // ls opens the directory it lists at the lowest free fd, 3
      String listed = out(opts().passFds(List.of(fd)), "ls", "/proc/self/fd");
      assertEquals(List.of("0", "1", "2", "3", String.valueOf(fd)), Stream.of(listed.split("\n")).sorted(
        (x, y) -> Integer.compare(Integer.parseInt(x), Integer.parseInt(y))).toList(),
        "fds of the child, " + unpassed + " not among them");
      passed.write('y'); // the service's own fd stays open
      assertEquals("x\ny", Files.readString(passedFile, StandardCharsets.UTF_8));
    }
  }

  @Test
  @Timeout(30)
  protected void passFdsRefusesStandardStreamsAndClosedFds() throws Exception {
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(engine.exec(List.of("true"), opts().passFds(List.of(1))))
      .code());
    ProcessException closed = failure(engine.exec(List.of("true"), opts().passFds(List.of(65000))));
    assertEquals(ErrorCode.SPAWN_FAILED, closed.code());
    assertEquals(9, closed.errno(), "EBADF, " + closed);
  }

  /** This JVM's dumpable flag ({@code prctl(PR_GET_DUMPABLE)}). */
  static int dumpable() {
    return com.sun.jna.NativeLibrary.getInstance("c").getFunction("prctl").invokeInt(new Object[] {3, 0L});
  }

  /** The fd this JVM has {@code file} open at. */
  static int fdOf(Path file) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).equals(file)) {
            return Integer.parseInt(fd.getFileName().toString());
          }
        } catch (IOException gone) {
          // the listing's own fd, closed by now
        }
      }
    }
    throw new AssertionError("no fd of " + file);
  }

  /** The distinct Uid, Gid, Groups, Umask, CapPrm and CapEff lines of this JVM's threads: one when all are alike. */
  static Set<String> threadCredentials() throws IOException {
    Set<String> all = new TreeSet<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          all.add(Files.readAllLines(task.resolve("status")).stream()
            .filter(l -> l.matches("(Uid|Gid|Groups|Umask|CapPrm|CapEff):.*")).toList().toString());
        } catch (IOException ended) {
          // a thread that ended meanwhile
        }
      }
    }
    return all;
  }

  @Test
  @Timeout(30)
  void aTerminalChildRunsAsItsUserOnATerminalItOwns() throws Exception {
    ChildProcess p = exec(opts().setUser("nobody").setTerminal(new io.procbus.api.TerminalSize(80, 24)),
      "sh", "-c", "t=$(tty) && stat -c %U \"$t\" && id -un && stty size");
    CommunicateResult r = await(p.communicate(null));
    assertEquals("nobody\r\nnobody\r\n24 80\r\n", str(r.stdout()));
    assertEquals(0, r.returnCode());
  }
}
