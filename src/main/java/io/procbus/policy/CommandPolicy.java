package io.procbus.policy;

import io.procbus.api.ErrorCode;
import io.procbus.api.ProcessException;
import io.procbus.api.ProcessOptions;
import io.procbus.api.Signal;
import io.procbus.api.SpawnRequest;
import io.procbus.api.Stdio;
import io.procbus.api.StdioMode;
import io.procbus.auth.Principal;
import io.procbus.config.ConfigReader;
import io.procbus.engine.linux.NativeFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The deny-by-default command policy: decides whether a principal may spawn a request, and rewrites an
 * admitted request so that it runs exactly what was checked.
 *
 * <p>Checks, in order, each named in a denial ({@code DENIED}, debug info
 * {@code {"code":"DENIED","rule":"<check>","policyRule":"<rule name>"}}): {@code subject} (a rule matches the
 * principal's name or a role), {@code size} (argv and environment bytes), {@code shell}, {@code program} (resolved to an absolute path on the policy's
 * search path, never the caller's {@code PATH}), {@code args}, {@code env}, {@code cwd} (inside a root after
 * {@code ..} and symbolic links are resolved), {@code stdio} (no files, no inherited descriptors),
 * {@code terminal} (a pseudo-terminal child), {@code detached}, {@code children} (live children of the principal), {@code runAs}.
 *
 * <p>An admitted request runs the resolved program, with the environment {@code PATH=<search path>} plus the
 * caller's allowed variables only, in the resolved working directory (the first root when none is given), with
 * the rule's run-time limit and kill signal; with rlimits it is started through {@code prlimit(1)}, with
 * {@code runAs} (the service is root) through {@code setpriv(1)}, so both apply before the program runs. An
 * allowed shell command line becomes the argv {@code <sh on the search path> -c <line>}, wrapped the same way.
 */
public final class CommandPolicy {

  /** Words of the {@code program} denial of a program that is not on the search path (the CLI's exit 127). */
  public static final String NOT_ON_SEARCH_PATH = "is not on the search path";

  private final PolicyFile file;
  private final List<String> searchPath;
  private final List<String> neverPass;
  private final Map<PolicyFile.Program, List<Pattern>> argRules = new HashMap<>();
  private final String prlimit;
  private final String setpriv;

  /**
   * The result of an admission: the request to run, the output budget, the rule's name (null: no policy), the
   * principal's live-children limit on the executing node, and the {@link Capabilities} the node needs.
   */
  public record Decision(SpawnRequest request, long maxOutputBytes, String rule, int maxLiveChildren,
                         List<String> requires) {

    /** Copies {@code requires}. */
    public Decision {
      requires = List.copyOf(requires);
    }

    /** What a request is when nothing restricts it: itself, without limits. */
    public static Decision unrestricted(SpawnRequest request) {
      return new Decision(request, 0, null, Integer.MAX_VALUE, List.of());
    }
  }

  /** Live children of a principal when its rule sets no {@code maxLiveChildren}. */
  static final int DEFAULT_MAX_LIVE_CHILDREN = 16;

  private CommandPolicy(PolicyFile file) {
    this.file = file;
    this.searchPath = file.searchPath() == null ? List.of() : List.copyOf(file.searchPath());
    for (String dir : searchPath) {
      if (!dir.startsWith("/")) {
        throw new IllegalArgumentException("bad policy: searchPath entry '" + dir + "' is not absolute");
      }
    }
    this.neverPass = file.neverPassEnv() == null ? List.of() : List.copyOf(file.neverPassEnv());
    boolean needsPrlimit = false;
    boolean needsSetpriv = false;
    for (PolicyFile.Rule r : file.rules()) {
      for (PolicyFile.Program p : list(r.programs())) {
        List<Pattern> patterns = null;
        if (p.args() != null) {
          patterns = new ArrayList<>();
          for (String re : p.args()) {
            try {
              patterns.add(Pattern.compile(re));
            } catch (PatternSyntaxException e) {
              throw new IllegalArgumentException("bad policy: rule " + r.name() + ": bad args pattern: " + e.getMessage());
            }
          }
        }
        argRules.put(p, patterns);
      }
      if (r.killSignal() != null) {
        signal(r);
      }
      needsPrlimit |= r.rlimits() != null;
      needsSetpriv |= r.runAs() != null;
    }
    this.prlimit = needsPrlimit ? firstExisting(Capabilities.PRLIMIT, "rlimits need prlimit(1)") : null;
    this.setpriv = needsSetpriv ? firstExisting(Capabilities.SETPRIV, "runAs needs setpriv(1)") : null;
  }

  /**
   * Reads the policy file at {@code path}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static CommandPolicy load(String path) {
    String text;
    try {
      text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("bad policy file '" + path + "': " + e, e);
    }
    return parse(new JsonObject(text));
  }

  /**
   * Reads a policy from its JSON form.
   *
   * @throws IllegalArgumentException naming the bad key
   */
  public static CommandPolicy parse(JsonObject json) {
    try {
      return new CommandPolicy(ConfigReader.read(json, PolicyFile.class));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replace("bad configuration", "bad policy"), e);
    }
  }

  /** Whether {@code principal} sees and controls every process through a bridge. */
  public boolean seesAll(Principal principal) {
    return principal.hasAnyRole(list(file.seeAllRoles()));
  }

  /**
   * Admits {@code request} from {@code principal}, which runs {@code liveChildren} children now (a bridge, which
   * does not know where the child will run, passes 0: the executing node checks the decision's
   * {@code maxLiveChildren} with {@link #checkChildren}).
   *
   * @return the request to run instead (resolved program, filtered environment, checked cwd, limits)
   * @throws ProcessException {@code DENIED} naming the check and the rule
   */
  public Decision admit(Principal principal, SpawnRequest request, int liveChildren) {
    PolicyFile.Rule rule = ruleOf(principal);
    if (rule == null) {
      throw denied("subject", (PolicyFile.Rule) null, "no policy rule for principal " + principal.name() + " (roles "
        + principal.roles() + ")");
    }
    long size = commandBytes(request);
    int maxSize = file.maxCommandBytes() == null ? PolicyFile.DEFAULT_MAX_COMMAND_BYTES : file.maxCommandBytes();
    if (size > maxSize) {
      throw denied("size", rule, "argv and environment of " + size + " bytes exceed " + maxSize);
    }
    SpawnRequest out = new SpawnRequest(request);
    ProcessOptions options = request.getOptions() == null ? new ProcessOptions()
      : new ProcessOptions(request.getOptions());
    List<String> argv;
    if (request.getShell() != null && request.getCommand() == null) {
      if (!rule.allowsShell()) {
        throw denied("shell", rule, "shell command lines are not allowed");
      }
      // an argv like any other (sh from the search path), so that the wrappers apply and it runs as admitted
      // on any node, whatever that node's engine.shell
      String sh = resolve("sh");
      if (sh == null) {
        throw denied("shell", rule, "no sh on the search path " + searchPath);
      }
      argv = new ArrayList<>(List.of(sh, "-c", request.getShell()));
      out.setShell(null);
    } else {
      List<String> command = request.getCommand();
      if (command == null || command.isEmpty()) {
        throw denied("program", rule, "no program");
      }
      String resolved = resolve(command.get(0));
      if (resolved == null) {
        throw denied("program", rule, "program '" + printable(command.get(0)) + "' " + NOT_ON_SEARCH_PATH
          + " " + searchPath);
      }
      PolicyFile.Program program = allowedProgram(rule, resolved);
      if (program == null) {
        throw denied("program", rule, "program " + resolved + " is not allowed");
      }
      List<Pattern> patterns = argRules.get(program);
      if (patterns != null) {
        for (int i = 1; i < command.size(); i++) {
          if (!matchesAny(patterns, command.get(i))) {
            throw denied("args", rule, "argument " + i + " '" + printable(command.get(i)) + "' of " + resolved
              + " is not allowed");
          }
        }
      }
      argv = new ArrayList<>(command);
      argv.set(0, resolved);
    }
    options.setEnv(environment(rule, options.getEnv()));
    options.setInheritEnv(false);
    options.setCwd(cwd(rule, options.getCwd()));
    for (Stdio s : new Stdio[] {options.getStdin(), options.getStdout(), options.getStderr()}) {
      if (s != null && (s.getMode() == StdioMode.FILE || s.getMode() == StdioMode.INHERIT)) {
        throw denied("stdio", rule, "stdio mode " + s.getMode() + " is not allowed");
      }
    }
    if (options.getTerminal() != null && !rule.allowsTerminal()) {
      throw denied("terminal", rule, "pseudo-terminal children are not allowed");
    }
    if (request.isDetached() && !rule.allowsDetached()) {
      throw denied("detached", rule, "detached processes are not allowed");
    }
    int maxChildren = rule.maxLiveChildren() == null ? DEFAULT_MAX_LIVE_CHILDREN : rule.maxLiveChildren();
    List<String> requires = new ArrayList<>();
    if (rule.runtimeLimit() > 0) {
      long asked = request.getTimeoutMillis();
      out.setTimeoutMillis(asked == 0 ? rule.runtimeLimit() : Math.min(asked, rule.runtimeLimit()));
      out.setKillSignal(signal(rule).name());
    }
    List<String> wrapped = new ArrayList<>();
    if (rule.runAs() != null) {
      if (!Capabilities.isRoot()) {
        throw denied("runAs", rule, "runAs needs the service to run as root");
      }
      wrapped.addAll(List.of(setpriv, "--reuid=" + rule.runAs().uid(), "--regid=" + rule.runAs().gid(),
        "--clear-groups", "--"));
      requires.add(Capabilities.RUN_AS);
    }
    if (rule.rlimits() != null) {
      wrapped.add(prlimit);
      requires.add(Capabilities.RLIMITS);
      rlimit(wrapped, "--nofile=", rule.rlimits().nofile());
      rlimit(wrapped, "--as=", rule.rlimits().as());
      rlimit(wrapped, "--cpu=", rule.rlimits().cpu());
      rlimit(wrapped, "--nproc=", rule.rlimits().nproc());
      rlimit(wrapped, "--fsize=", rule.rlimits().fsize());
      rlimit(wrapped, "--core=", rule.rlimits().core());
      wrapped.add("--");
    }
    wrapped.addAll(argv);
    out.setCommand(wrapped);
    out.setOptions(options);
    Decision decision = new Decision(out, rule.outputLimit(), rule.name(), maxChildren, requires);
    checkChildren(decision, principal.name(), liveChildren);
    return decision;
  }

  /**
   * Refuses a spawn of {@code principal}, which runs {@code liveChildren} children on this node, when the decision
   * allows no more.
   *
   * @throws ProcessException {@code DENIED} ({@code children})
   */
  public static void checkChildren(Decision decision, String principal, int liveChildren) {
    if (liveChildren >= decision.maxLiveChildren()) {
      throw denied("children", decision.rule(), principal + " runs " + liveChildren + " children (maxLiveChildren "
        + decision.maxLiveChildren() + ")");
    }
  }

  /** The kill signal the rule that applies to {@code principal} sends at its limits ({@code KILL} by default). */
  public Signal killSignal(Principal principal) {
    PolicyFile.Rule rule = ruleOf(principal);
    return rule == null ? Signal.KILL : signal(rule);
  }

  private PolicyFile.Rule ruleOf(Principal principal) {
    for (PolicyFile.Rule r : file.rules()) {
      if (list(r.principals()).contains(principal.name()) || principal.hasAnyRole(list(r.roles()))) {
        return r;
      }
    }
    return null;
  }

  /** {@code program} as an absolute path: itself if absolute, else the first executable on the search path. */
  private String resolve(String program) {
    if (program.isEmpty() || program.indexOf('\0') >= 0) {
      return null;
    }
    if (program.contains("/")) {
      return normalAbsolute(program) && NativeFiles.isExecutableFile(program) ? program : null;
    }
    for (String dir : searchPath) {
      String p = dir.endsWith("/") ? dir + program : dir + "/" + program;
      if (NativeFiles.isExecutableFile(p)) {
        return p;
      }
    }
    return null;
  }

  /** Whether {@code path} is absolute and normalized: no empty, {@code .} or {@code ..} segment. */
  private static boolean normalAbsolute(String path) {
    if (!path.startsWith("/")) {
      return false;
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return path.equals("/");
      }
    }
    return true;
  }

  private PolicyFile.Program allowedProgram(PolicyFile.Rule rule, String resolved) {
    String real = realPath(resolved);
    for (PolicyFile.Program p : list(rule.programs())) {
      String candidate = resolve(p.path());
      if (candidate != null && (candidate.equals(resolved) || realPath(candidate).equals(real))) {
        return p;
      }
    }
    return null;
  }

  private Map<String, String> environment(PolicyFile.Rule rule, Map<String, String> asked) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", String.join(":", searchPath));
    if (asked != null) {
      for (Map.Entry<String, String> e : asked.entrySet()) {
        if (neverPass.contains(e.getKey()) || !list(rule.envAllow()).contains(e.getKey())) {
          throw denied("env", rule, "variable '" + printable(e.getKey()) + "' may not be set");
        }
        env.put(e.getKey(), e.getValue());
      }
    }
    return env;
  }

  private String cwd(PolicyFile.Rule rule, String asked) {
    List<String> roots = list(rule.cwdRoots());
    if (asked == null) {
      return roots.isEmpty() ? null : realPath(roots.get(0));
    }
    // resolved on its UTF-8 bytes (NativeFiles), as the spawn passes it: java.nio.file cannot name a non-ASCII
    // directory under LC_ALL=C (issue 10)
    String real = NativeFiles.realPath(asked);
    if (real == null) {
      throw denied("cwd", rule, "working directory '" + printable(asked) + "' does not resolve");
    }
    for (String root : roots) {
      String r = realPath(root);
      if (real.equals(r) || real.startsWith(r.endsWith("/") ? r : r + "/")) {
        return real;
      }
    }
    throw denied("cwd", rule, "working directory " + real + " is outside the allowed roots " + roots);
  }

  private static Signal signal(PolicyFile.Rule rule) {
    String name = rule.killSignal() == null ? "KILL" : rule.killSignal();
    try {
      return Signal.valueOf(name.startsWith("SIG") ? name.substring(3) : name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad policy: rule " + rule.name() + ": unknown killSignal " + name);
    }
  }

  /** The UTF-8 bytes of the argv, shell line and environment (with a NUL each), as the spawn passes them. */
  private static long commandBytes(SpawnRequest request) {
    long n = request.getShell() == null ? 0 : NativeFiles.utf8Length(request.getShell());
    if (request.getCommand() != null) {
      for (String a : request.getCommand()) {
        n += (a == null ? 0 : NativeFiles.utf8Length(a)) + 1;
      }
    }
    if (request.getOptions() != null && request.getOptions().getEnv() != null) {
      for (Map.Entry<String, String> e : request.getOptions().getEnv().entrySet()) {
        n += NativeFiles.utf8Length(e.getKey()) + (e.getValue() == null ? 0 : NativeFiles.utf8Length(e.getValue()))
          + 2;
      }
    }
    return n;
  }


  private static void rlimit(List<String> argv, String flag, Long value) {
    if (value != null) {
      argv.add(flag + value);
    }
  }

  private static boolean matchesAny(List<Pattern> patterns, String arg) {
    for (Pattern p : patterns) {
      if (p.matcher(arg).matches()) {
        return true;
      }
    }
    return false;
  }

  private static String realPath(String path) {
    String real = NativeFiles.realPath(path);
    return real == null ? path : real;
  }

  private static String firstExisting(List<String> candidates, String what) {
    String found = Capabilities.firstExisting(candidates);
    if (found == null) {
      throw new IllegalArgumentException("bad policy: " + what + ", not found at " + candidates);
    }
    return found;
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  /** {@code s} with control characters escaped and cut at 200 characters, for messages and logs. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return s.length() > 200 ? b + "…" : b.toString();
  }

  private static ProcessException denied(String check, PolicyFile.Rule rule, String message) {
    return denied(check, rule == null ? null : rule.name(), message);
  }

  private static ProcessException denied(String check, String name, String message) {
    return new ProcessException(ErrorCode.DENIED, "denied by " + check
      + (name == null ? "" : " (policy rule " + name + ")") + ": " + message, null,
      new JsonObject().put("rule", check).put("policyRule", name), null);
  }

  /**
   * A denial for a check made outside the policy file (a bridge without a policy, for instance): {@code DENIED},
   * its details naming the {@code rule} (the check) and the {@code policyRule} ({@code null}).
   */
  public static ProcessException deny(String check, String message) {
    return denied(check, (String) null, message);
  }
}
