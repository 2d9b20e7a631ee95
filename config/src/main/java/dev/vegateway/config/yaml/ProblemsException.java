package dev.vegateway.config.yaml;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a file has problems; carries every problem found, not only the first. */
public final class ProblemsException extends RuntimeException {
    private final List<Problem> problems;

    public ProblemsException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
