package io.procbus.api;

import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.json.annotations.JsonGen;
import io.vertx.core.json.JsonObject;

/**
 * A pseudo-terminal's window size in character cells: the size a terminal child starts with
 * ({@link ProcessOptions#setTerminal}) and the one {@link ChildProcess#resize} sets. Each side is
 * {@value #MIN}–{@value #MAX}.
 *
 * <p>JSON: {@code {"cols":80,"rows":24}}.
 */
@DataObject
@JsonGen(publicConverter = false)
public class TerminalSize {

  /** {@code TERM} of a terminal child whose environment sets none: the service's own describes its terminal. */
  public static final String DEFAULT_TERM = "xterm-256color";
  /** The smallest side. */
  public static final int MIN = 1;
  /** The largest side ({@code struct winsize} holds an unsigned short). */
  public static final int MAX = 65535;
  /** Default columns. */
  public static final int DEFAULT_COLS = 80;
  /** Default rows. */
  public static final int DEFAULT_ROWS = 24;

  private int cols = DEFAULT_COLS;
  private int rows = DEFAULT_ROWS;

  /** 80 × 24. */
  public TerminalSize() {
  }

  /** {@code cols} × {@code rows}. */
  public TerminalSize(int cols, int rows) {
    this.cols = cols;
    this.rows = rows;
  }

  /** A copy. */
  public TerminalSize(TerminalSize other) {
    this(other.cols, other.rows);
  }

  /** Reads the JSON form. */
  public TerminalSize(JsonObject json) {
    TerminalSizeConverter.fromJson(json, this);
  }

  /** The JSON form. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    TerminalSizeConverter.toJson(this, json);
    return json;
  }

  /** Columns (characters per line). */
  public int getCols() {
    return cols;
  }

  /** Sets the columns. */
  public TerminalSize setCols(int cols) {
    this.cols = cols;
    return this;
  }

  /** Rows (lines). */
  public int getRows() {
    return rows;
  }

  /** Sets the rows. */
  public TerminalSize setRows(int rows) {
    this.rows = rows;
    return this;
  }

  /**
   * Why {@code cols} × {@code rows} is not a valid size, or {@code null} when it is.
   */
  public static String problem(int cols, int rows) {
    if (cols < MIN || cols > MAX || rows < MIN || rows > MAX) {
      return "terminal size " + cols + "x" + rows + " is out of range: cols and rows are " + MIN + "-" + MAX;
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TerminalSize t && t.cols == cols && t.rows == rows;
  }

  @Override
  public int hashCode() {
    return cols * 65537 + rows;
  }

  @Override
  public String toString() {
    return cols + "x" + rows;
  }
}
