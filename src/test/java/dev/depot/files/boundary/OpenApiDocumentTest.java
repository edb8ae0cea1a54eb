package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.DepotApplication;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The hand-written OpenAPI document (META-INF/openapi.yaml) is valid OpenAPI 3.0 and describes exactly
 * the operations the JAX-RS resources have — a resource method added or moved without documenting it
 * fails here.
 */
class OpenApiDocumentTest {

  /** Every resource class of the API. */
  static final List<Class<?>> RESOURCES = List.of(FilesResource.class, MetadataResource.class, SeedUploadsResource.class, LinksResource.class,
      dev.depot.access.boundary.SessionsResource.class, UsageResource.class,
      dev.depot.access.boundary.AuditResource.class, dev.depot.uploads.boundary.UploadsResource.class);

  @Test
  void documentIsValidOpenApi() throws IOException {
    SwaggerParseResult result = parse(document());

    assertEquals(List.of(), result.getMessages(), "validation messages");
    assertNotNull(result.getOpenAPI());
    assertTrue(result.getOpenAPI().getOpenapi().startsWith("3.0."), result.getOpenAPI().getOpenapi());
  }

  @Test
  void documentDescribesEveryResourceMethodAndNothingElse() throws IOException {
    OpenAPI api = parse(document()).getOpenAPI();

    assertEquals(operationsOf(RESOURCES), operationsOf(api));
  }

  @Test
  void everyOperationDocumentsItsErrorsAsProblemJson() throws IOException {
    OpenAPI api = parse(document()).getOpenAPI();
    api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
      if (method != PathItem.HttpMethod.HEAD) {
        operation.getResponses().forEach((status, response) -> {
          if (status.startsWith("4") || status.startsWith("5")) {
            var resolved = response.get$ref() == null ? response : api.getComponents().getResponses().get(response.get$ref().replace("#/components/responses/", ""));
            assertTrue(resolved.getContent().containsKey("application/problem+json"), method + " " + path + " " + status);
          }
        });
      }
    }));
  }

  static SwaggerParseResult parse(String document) {
    return new OpenAPIV3Parser().readContents(document, null, null);
  }

  static String document() throws IOException {
    try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/META-INF/openapi.yaml")) {
      assertNotNull(in, "META-INF/openapi.yaml is on the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** "GET /api/files/{path}" for every operation of a document. */
  static Set<String> operationsOf(OpenAPI api) {
    Set<String> operations = new TreeSet<>();
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().readOperationsMap().entrySet()) {
        assertFalse(op.getValue().getResponses().isEmpty(), op.getKey() + " " + path.getKey());
        operations.add(op.getKey().name() + " " + path.getKey());
      }
    }
    return operations;
  }

  /** The same, read from the JAX-RS annotations; {@code {path: .+}} is written {@code {path}}. */
  static Set<String> operationsOf(List<Class<?>> resources) {
    String app = "/" + DepotApplication.class.getAnnotation(ApplicationPath.class).value();
    Set<String> operations = new TreeSet<>();
    for (Class<?> resource : resources) {
      String base = join(app, resource.getAnnotation(Path.class).value());
      for (Method method : resource.getDeclaredMethods()) {
        String verb = httpMethod(method);
        if (verb != null) {
          Path sub = method.getAnnotation(Path.class);
          String path = sub == null ? base : join(base, sub.value());
          operations.add(verb + " " + path.replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}"));
        }
      }
    }
    return operations;
  }

  private static String httpMethod(Method method) {
    for (Annotation a : method.getAnnotations()) {
      HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
      if (verb != null) {
        return verb.value().toUpperCase(Locale.ROOT);
      }
    }
    return null;
  }

  private static String join(String a, String b) {
    String left = a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
    String right = b.startsWith("/") ? b.substring(1) : b;
    return right.isEmpty() ? left : left + "/" + right;
  }
}
