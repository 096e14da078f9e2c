package io.odestream.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bash script read the way bash splits it into words, far enough for a test to find the commands
 * it runs: comments dropped, continued lines joined, quotes removed, {@code $NAME} and {@code ${NAME}}
 * expanded from the script's own plain assignments and the variables given (others stay as written),
 * and the control operators ({@code | ; & > < ( )} and {@code $(}) as words of their own that end a
 * command. Not a shell: no globbing, no arithmetic, no here-documents.
 */
final class ShellScript {
    private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
    private static final String OPERATORS = "|;&><()";
    /** A word that ends a command: a control operator, or the end of a line. */
    private static final String END = "\n";

    private final List<String> words;

    private ShellScript(List<String> words) {
        this.words = words;
    }

    /** The script with {@code given} (e.g. a container's environment) and its own assignments expanded. */
    static ShellScript parse(String script, Map<String, String> given) {
        Map<String, String> variables = new HashMap<>(given);
        List<String> words = new ArrayList<>();
        for (String line : logicalLines(script)) {
            Matcher assignment = ASSIGNMENT.matcher(line.trim());
            if (assignment.matches() && !assignment.group(2).startsWith("$(")) {
                List<String> value = split(assignment.group(2), variables);
                variables.put(assignment.group(1), value.isEmpty() ? "" : value.get(0));
            }
            words.addAll(split(line, variables));
            words.add(END);
        }
        return new ShellScript(words);
    }

    /**
     * Every command that starts with {@code program} (in any position: after {@code if}, {@code !},
     * {@code $(} ...), as its arguments up to the operator or line end that ends it; a function
     * definition {@code program() ...} is not a command.
     */
    List<List<String>> commands(String program) {
        List<List<String>> commands = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            if (!words.get(i).equals(program) || (i + 1 < words.size() && words.get(i + 1).equals("("))) {
                continue;
            }
            List<String> args = new ArrayList<>();
            for (int j = i + 1; j < words.size() && !ends(words.get(j)); j++) {
                args.add(words.get(j));
            }
            commands.add(args);
        }
        return commands;
    }

    private static boolean ends(String word) {
        return word.equals(END) || word.equals("$(") || (!word.isEmpty() && word.chars().allMatch(c -> OPERATORS.indexOf(c) >= 0));
    }

    private static List<String> logicalLines(String script) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : script.split("\n", -1)) {
            String line = raw.strip().startsWith("#") ? "" : raw;
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            lines.add(current.toString());
            current.setLength(0);
        }
        return lines;
    }

    /** One line as words: quotes removed, variables expanded, operators apart. */
    static List<String> split(String line, Map<String, String> variables) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '#' && !inWord) {
                break;
            } else if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                word.append(line, i + 1, close < 0 ? line.length() : close);
                inWord = true;
                i = close < 0 ? line.length() : close + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i + 1, word, variables);
                inWord = true;
            } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                words.add("$(");
                i += 2;
            } else if (c == '$') {
                i = variable(line, i, word, variables);
                inWord = true;
            } else if (OPERATORS.indexOf(c) >= 0) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                // ( and ) stand alone; |, ;, &, > and < group (||, &&, >>, <<<, >&)
                int end = i + 1;
                while (c != '(' && c != ')' && end < line.length() && "|;&><".indexOf(line.charAt(end)) >= 0) {
                    end++;
                }
                words.add(line.substring(i, end));
                i = end;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** From after an opening quote to after its closing one; command substitutions stay as written. */
    private static int doubleQuoted(String line, int from, StringBuilder word, Map<String, String> variables) {
        int i = from;
        while (i < line.length() && line.charAt(i) != '"') {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(i + 1));
                i += 2;
            } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(') {
                int close = line.indexOf(')', i);
                int end = close < 0 ? line.length() : close + 1;
                word.append(line, i, end);
                i = end;
            } else if (c == '$') {
                i = variable(line, i, word, variables);
            } else {
                word.append(c);
                i++;
            }
        }
        return Math.min(line.length(), i + 1);
    }

    /** {@code $NAME} or {@code ${NAME}} at {@code at}: its value if known, else the text as written. */
    private static int variable(String line, int at, StringBuilder word, Map<String, String> variables) {
        int start = at + 1;
        boolean braced = start < line.length() && line.charAt(start) == '{';
        int nameStart = braced ? start + 1 : start;
        int end = nameStart;
        while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_')) {
            end++;
        }
        int after = braced && end < line.length() && line.charAt(end) == '}' ? end + 1 : end;
        String name = line.substring(nameStart, end);
        if (name.isEmpty() || !variables.containsKey(name)) {
            word.append(line, at, Math.max(after, at + 1));
            return Math.max(after, at + 1);
        }
        word.append(variables.get(name));
        return after;
    }
}
