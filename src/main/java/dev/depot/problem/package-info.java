/**
 * The catalogue of failures Depot names ({@link dev.depot.problem.Problem}: code, HTTP status, title)
 * and the one exception that carries them ({@link dev.depot.problem.DepotException}). Used by every
 * feature; depends on nothing else in Depot and on no JAX-RS or servlet type.
 */
package dev.depot.problem;
