package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to start a child: its standard streams, working directory, environment, process group and the
 * read buffer {@code limit}. The command itself is given to {@code exec} or {@code shell}.
 *
 * <p>A stream left unset takes the default of the API used: {@link StdioMode#INHERIT} for
 * {@link ProcessEngine#exec} and {@link ProcessEngine#shell} (asyncio's {@code create_subprocess_*}),
 * {@link StdioMode#PIPE} for the low-level {@link ProcessEngine#subprocessExec} and
 * {@link ProcessEngine#subprocessShell} (asyncio's {@code loop.subprocess_*}).
 *
 * <p>The child's credentials and descriptors, as Python's {@code subprocess.Popen} has them: {@code user},
 * {@code group}, {@code extraGroups}, {@code umask}, and, for the in-JVM engine only, {@link #passFds}. Switching
 * identity needs a service running as root ({@code SPAWN_FAILED} with errno {@code EPERM} otherwise).
 */
@DataObject
@JsonGen(publicConverter = false)
public class ProcessOptions {

  /** Default for {@link #isInheritEnv()}: {@link #getEnv()} extends the service's environment. */
  public static final boolean DEFAULT_INHERIT_ENV = true;
  /** Default for {@link #isNewProcessGroup()}: the child stays in the service's process group. */
  public static final boolean DEFAULT_NEW_PROCESS_GROUP = false;
  /** Default for {@link #isNewSession()}: the child stays in the service's session. */
  public static final boolean DEFAULT_NEW_SESSION = false;
  /** Default for {@link #getLimit()}: asyncio's 64 KiB. */
  public static final int DEFAULT_LIMIT = StreamReader.DEFAULT_LIMIT;
  /** Default for {@link #getUmask()}: {@code -1}, the child keeps the service's umask. */
  public static final int DEFAULT_UMASK = -1;

  private Stdio stdin;
  private Stdio stdout;
  private Stdio stderr;
  private String cwd;
  private Map<String, String> env = new LinkedHashMap<>();
  private boolean inheritEnv = DEFAULT_INHERIT_ENV;
  private boolean newProcessGroup = DEFAULT_NEW_PROCESS_GROUP;
  private boolean newSession = DEFAULT_NEW_SESSION;
  private int limit = DEFAULT_LIMIT;
  private String user;
  private String group;
  private List<String> extraGroups;
  private int umask = DEFAULT_UMASK;
  private List<Integer> passFds = List.of();
  private TerminalSize terminal;

  /** Options with every default. */
  public ProcessOptions() {
  }

  /** A deep copy. */
  public ProcessOptions(ProcessOptions other) {
    this.stdin = other.stdin == null ? null : new Stdio(other.stdin);
    this.stdout = other.stdout == null ? null : new Stdio(other.stdout);
    this.stderr = other.stderr == null ? null : new Stdio(other.stderr);
    this.cwd = other.cwd;
    this.env = new LinkedHashMap<>(other.env);
    this.inheritEnv = other.inheritEnv;
    this.newProcessGroup = other.newProcessGroup;
    this.newSession = other.newSession;
    this.limit = other.limit;
    this.user = other.user;
    this.group = other.group;
    this.extraGroups = other.extraGroups == null ? null : new ArrayList<>(other.extraGroups);
    this.umask = other.umask;
    this.passFds = other.passFds;
    this.terminal = other.terminal == null ? null : new TerminalSize(other.terminal);
  }

  /** Reads the JSON form. */
  public ProcessOptions(JsonObject json) {
    ProcessOptionsConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    ProcessOptionsConverter.toJson(this, json);
    return json;
  }

  /** stdin's redirection, or {@code null} for the API's default. */
  public Stdio getStdin() {
    return stdin;
  }

  /** Sets stdin's redirection ({@link StdioMode#STDOUT} is not allowed). */
  public ProcessOptions setStdin(Stdio stdin) {
    this.stdin = stdin;
    return this;
  }

  /** stdout's redirection, or {@code null} for the API's default. */
  public Stdio getStdout() {
    return stdout;
  }

  /** Sets stdout's redirection ({@link StdioMode#STDOUT} is not allowed). */
  public ProcessOptions setStdout(Stdio stdout) {
    this.stdout = stdout;
    return this;
  }

  /** stderr's redirection, or {@code null} for the API's default. */
  public Stdio getStderr() {
    return stderr;
  }

  /** Sets stderr's redirection; {@link StdioMode#STDOUT} merges it into stdout. */
  public ProcessOptions setStderr(Stdio stderr) {
    this.stderr = stderr;
    return this;
  }

  /** The working directory, or {@code null} for the service's. */
  public String getCwd() {
    return cwd;
  }

  /** Sets the working directory. */
  public ProcessOptions setCwd(String cwd) {
    this.cwd = cwd;
    return this;
  }

  /** Variables to set in the child; they extend or replace the service's environment (see {@link #isInheritEnv()}). */
  public Map<String, String> getEnv() {
    return env;
  }

  /** Sets the variables to set in the child. */
  public ProcessOptions setEnv(Map<String, String> env) {
    this.env = env == null ? new LinkedHashMap<>() : new LinkedHashMap<>(env);
    return this;
  }

  /** Adds one variable to set in the child. */
  public ProcessOptions addEnv(String name, String value) {
    this.env.put(name, value);
    return this;
  }

  /** True: {@link #getEnv()} extends the service's environment; false: it is the whole environment (asyncio's {@code env=}). */
  public boolean isInheritEnv() {
    return inheritEnv;
  }

  /** Sets whether the service's environment is passed on. */
  public ProcessOptions setInheritEnv(boolean inheritEnv) {
    this.inheritEnv = inheritEnv;
    return this;
  }

  /** Whether the child leads a new process group ({@code setpgid(0, 0)}), so the group can be signalled. */
  public boolean isNewProcessGroup() {
    return newProcessGroup;
  }

  /** Sets whether the child leads a new process group. */
  public ProcessOptions setNewProcessGroup(boolean newProcessGroup) {
    this.newProcessGroup = newProcessGroup;
    return this;
  }

  /** Whether the child leads a new session ({@code setsid()}, asyncio's {@code start_new_session}); it also leads a new group. */
  public boolean isNewSession() {
    return newSession;
  }

  /** Sets whether the child leads a new session. */
  public ProcessOptions setNewSession(boolean newSession) {
    this.newSession = newSession;
    return this;
  }

  /** The buffer limit of the stdout and stderr readers, in bytes (asyncio's {@code limit}). */
  public int getLimit() {
    return limit;
  }

  /** Sets the buffer limit; it must be positive. */
  public ProcessOptions setLimit(int limit) {
    this.limit = limit;
    return this;
  }

  /** The user the child runs as, a name or a decimal id, or {@code null} for the service's (Python's {@code user}). */
  public String getUser() {
    return user;
  }

  /**
   * Sets the user the child runs as: its real, effective and saved user id. Unless set too, its group is the
   * user's primary group and its supplementary groups the user's in the group database (as {@code su}; Python
   * keeps the service's).
   */
  public ProcessOptions setUser(String user) {
    this.user = user;
    return this;
  }

  /** The group the child runs as, a name or a decimal id, or {@code null} (Python's {@code group}). */
  public String getGroup() {
    return group;
  }

  /** Sets the child's real, effective and saved group id. */
  public ProcessOptions setGroup(String group) {
    this.group = group;
    return this;
  }

  /** The child's supplementary groups, names or decimal ids, or {@code null} (Python's {@code extra_groups}). */
  public List<String> getExtraGroups() {
    return extraGroups;
  }

  /** Sets the child's supplementary groups; an empty list leaves it none. */
  public ProcessOptions setExtraGroups(List<String> extraGroups) {
    this.extraGroups = extraGroups == null ? null : new ArrayList<>(extraGroups);
    return this;
  }

  /** The child's umask (0 to 0777), or {@link #DEFAULT_UMASK} for the service's (Python's {@code umask}). */
  public int getUmask() {
    return umask;
  }

  /** Sets the child's umask, a number: {@code 0027} in Java, {@code 23} in JSON. */
  public ProcessOptions setUmask(int umask) {
    this.umask = umask;
    return this;
  }

  /**
   * Descriptors above 2 the child keeps open at the same numbers (Python's {@code pass_fds}); every other one
   * above 2 is closed in the child. For the in-JVM engine only: no JSON form, and a {@code ProcessClient} refuses
   * it with {@code INVALID_ARGUMENT}, since a descriptor means nothing in another process.
   */
  @GenIgnore
  public List<Integer> passFds() {
    return passFds;
  }

  /** Sets the descriptors the child keeps; see {@link #passFds()}. */
  @GenIgnore
  public ProcessOptions passFds(List<Integer> fds) {
    this.passFds = fds == null ? List.of() : List.copyOf(fds);
    return this;
  }

  /**
   * The pseudo-terminal the child runs on, as its window size, or {@code null} (the default) for none. With a
   * terminal, stdin, stdout and stderr must be left unset: the child gets one pseudo-terminal as fds 0, 1 and
   * 2, leads a new session with it as its controlling terminal, and its output (stderr included) is read as
   * stdout; what is written to stdin is typed into the terminal (Ctrl-C is the byte {@code 0x03}). Unless the
   * environment given here sets {@code TERM}, the child gets {@code TERM=xterm-256color}.
   */
  public TerminalSize getTerminal() {
    return terminal;
  }

  /** Sets the pseudo-terminal's window size; {@code null} for no terminal. */
  public ProcessOptions setTerminal(TerminalSize terminal) {
    this.terminal = terminal;
    return this;
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
