package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to start a child: its standard streams, working directory, environment, process group and the
 * read buffer {@code limit}. The command itself is given to {@code exec} or {@code shell}.
 *
 * <p>A stream left unset takes the default of the API used: {@link StdioMode#INHERIT} for
 * {@link ProcessEngine#exec} and {@link ProcessEngine#shell} (asyncio's {@code create_subprocess_*}),
 * {@link StdioMode#PIPE} for the low-level {@link ProcessEngine#subprocessExec} and
 * {@link ProcessEngine#subprocessShell} (asyncio's {@code loop.subprocess_*}).
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

  private Stdio stdin;
  private Stdio stdout;
  private Stdio stderr;
  private String cwd;
  private Map<String, String> env = new LinkedHashMap<>();
  private boolean inheritEnv = DEFAULT_INHERIT_ENV;
  private boolean newProcessGroup = DEFAULT_NEW_PROCESS_GROUP;
  private boolean newSession = DEFAULT_NEW_SESSION;
  private int limit = DEFAULT_LIMIT;
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
