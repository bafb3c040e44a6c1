package org.x86play.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers itself, before Javalin sees the request (a request line or URI it rejects, such as
 * an encoded NUL): the same {@code {"error": "..."}} JSON as every other error, instead of Jetty's HTML page.
 */
final class JsonJettyErrors extends ErrorHandler {
    private static final HttpField JSON_TYPE = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(JSON_TYPE);
        response.write(true, ByteBuffer.wrap(bodyFor(code, message)), callback);
    }

    private static byte[] bodyFor(int code, String message) {
        String text = message != null && !message.isBlank() ? message : HttpStatus.getMessage(code);
        return JsonErrors.body(text).getBytes(StandardCharsets.UTF_8);
    }
}
