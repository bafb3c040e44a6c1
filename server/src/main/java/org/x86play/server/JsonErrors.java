package org.x86play.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.Map;

/** Every error the server answers is {@code {"error": "..."}} with its status. */
final class JsonErrors {
    static final ObjectMapper JSON = new ObjectMapper();

    private JsonErrors() {}

    /** Request attribute set by {@link #send}: the answer is already a JSON error (the error pages keep it). */
    static final String SENT = "x86play.jsonErrorSent";

    static void send(Context ctx, int status, String message) {
        ctx.attribute(SENT, Boolean.TRUE);
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.header("Cache-Control", "no-store");
        ctx.result(body(message));
    }

    static String body(String message) {
        try {
            return JSON.writeValueAsString(Map.of("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);   // a one-entry string map always serializes
        }
    }
}
