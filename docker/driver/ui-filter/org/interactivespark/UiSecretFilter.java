package org.interactivespark;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Spark's web UIs (driver, standalone master, workers) have no authentication of their own. This filter
 * (spark.ui.filters) answers 401 to every request that does not carry the session's UI secret in the
 * X-Ispark-Ui-Secret header; only the session's gateway knows it (a 0600 file in its container). The secret
 * comes from the filter parameter "secret" (spark.org.interactivespark.UiSecretFilter.param.secret, in the
 * session's 0600 properties file; its key matches Spark's redaction pattern). Without it everything is refused:
 * a UI configured with the filter but no secret is closed, not open.
 */
public final class UiSecretFilter implements Filter {
    /** The request header that carries the secret. */
    public static final String HEADER = "X-Ispark-Ui-Secret";

    private byte[] secret;

    @Override
    public void init(FilterConfig config) {
        String value = config.getInitParameter("secret");
        secret = value == null || value.isEmpty() ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        String given = request instanceof HttpServletRequest http ? http.getHeader(HEADER) : null;
        if (secret != null && given != null && MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }

        HttpServletResponse http = (HttpServletResponse) response;
        http.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        http.setContentLength(0);
    }

    @Override
    public void destroy() {
    }
}
