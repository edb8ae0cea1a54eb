package dev.depot;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Depot's REST API lives under {@code /depot/api}; resources and the problem mapper are discovered. */
@ApplicationPath("api")
public class DepotApplication extends Application {}
