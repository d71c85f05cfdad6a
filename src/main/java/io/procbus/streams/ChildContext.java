package io.procbus.streams;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.function.Supplier;

/**
 * The event-loop context a child is bound to, and the ways onto it. A child's state, local or remote, is
 * touched only on this context; calls from elsewhere are hopped onto it in call order.
 */
public final class ChildContext {

  private final ContextInternal context;

  private ChildContext(ContextInternal context) {
    this.context = context;
  }

  /**
   * Binds a new child: to the calling context when it is an event-loop context of {@code vertx}; to an
   * event-loop context on the same event loop when the caller is a worker; to a new event-loop context
   * when the caller is outside Vert.x.
   */
  public static ChildContext bind(VertxInternal vertx) {
    ContextInternal current = ContextInternal.current();
    if (current != null && current.owner() == vertx) {
      if (current.isEventLoopContext()) {
        return new ChildContext(current);
      }
      return new ChildContext(vertx.contextBuilder().withThreadingModel(ThreadingModel.EVENT_LOOP)
        .withEventLoop(current.nettyEventLoop()).build());
    }
    return new ChildContext(vertx.createEventLoopContext());
  }

  /** The context. */
  public ContextInternal context() {
    return context;
  }

  /** Whether the caller runs on the context's thread. */
  public boolean inThread() {
    return context.inThread();
  }

  /** Runs {@code action} on the context: now if on its thread (with the context current), else queued. */
  public void run(Runnable action) {
    if (context.inThread()) {
      asCurrent(() -> {
        action.run();
        return null;
      });
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /**
   * Like {@link #run} for an action with a result. The result is always bound to the context: called from
   * another context on the same event loop, the caller's listeners still run on this one.
   */
  public <T> Future<T> call(Supplier<Future<T>> action) {
    Promise<T> p = context.promise();
    if (context.inThread()) {
      asCurrent(action).onComplete(p);
    } else {
      context.runOnContext(v -> action.get().onComplete(p));
    }
    return p.future();
  }

  /** Runs an event that arrived on the event loop with the context current, reporting what it throws. */
  public void dispatch(Runnable event) {
    ContextInternal prev = context.beginDispatch();
    try {
      event.run();
    } catch (Throwable t) {
      context.reportException(t);
    } finally {
      context.endDispatch(prev);
    }
  }

  /**
   * Calls user code (a protocol callback). What it throws goes to the context's exception handler and stops
   * nothing else, as asyncio's {@code call_soon} does: a throwing callback must not leave a child unwatched.
   */
  public void callUser(Runnable callback) {
    try {
      callback.run();
    } catch (Throwable t) {
      context.reportException(t);
    }
  }

  /** Runs {@code action} now with the context current: two contexts may share one event-loop thread. */
  private <T> T asCurrent(Supplier<T> action) {
    if (ContextInternal.current() == context) {
      return action.get();
    }
    ContextInternal prev = context.beginDispatch();
    try {
      return action.get();
    } finally {
      context.endDispatch(prev);
    }
  }
}
