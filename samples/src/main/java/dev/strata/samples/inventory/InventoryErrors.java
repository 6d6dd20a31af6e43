package dev.strata.samples.inventory;

import dev.strata.engine.ErrorCode;
import dev.strata.engine.StrataException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Maps failures to problem details: the inventory's own to 400, 404 and 409, and the engine's by
 * their stable code, which the answer carries as {@code code} (a database that refuses writes or
 * is read-only is 503: the request may succeed elsewhere or later; a conflict that outlived its
 * retries is 409). With spring-tx on the class path the starter's beans throw Spring's
 * {@code DataAccessException}s; the engine's exception, and so its code, is their cause.
 */
@RestControllerAdvice
public class InventoryErrors {

    @ExceptionHandler(InvalidRequestException.class)
    public ProblemDetail invalid(InvalidRequestException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(ItemNotFoundException.class)
    public ProblemDetail notFound(ItemNotFoundException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(InsufficientStockException.class)
    public ProblemDetail insufficient(InsufficientStockException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(StrataException.class)
    public ProblemDetail database(StrataException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status(e.code()), e.getMessage());
        problem.setProperty("code", e.code().id());
        return problem;
    }

    @ExceptionHandler(DataAccessException.class)
    public ProblemDetail dataAccess(DataAccessException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StrataException strata) {
                return database(strata);
            }
        }
        return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage());
    }

    private static HttpStatus status(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> HttpStatus.BAD_REQUEST;
            case READ_ONLY, BACKGROUND_ERROR, CLOSED -> HttpStatus.SERVICE_UNAVAILABLE;
            case BUSY, LOCK_TIMEOUT, TRANSACTION_ABANDONED -> HttpStatus.CONFLICT;
            default -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }
}
