package dev.depot.access.control;

import jakarta.enterprise.context.RequestScoped;

/**
 * The caller of the request being served, as the access filter established it before any resource
 * ran; anonymous until then (and for code that runs outside a request).
 */
@RequestScoped
public class CurrentCaller {

  private Caller caller = Caller.ANONYMOUS;

  public Caller get() {
    return caller;
  }

  public void set(Caller caller) {
    this.caller = caller;
  }
}
