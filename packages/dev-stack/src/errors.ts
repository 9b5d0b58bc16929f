// Conditions the stack explains to a person instead of printing a stack trace.

export class StackError extends Error {
  override name = 'StackError';
}

export class MissingBinaryError extends StackError {
  constructor(what: string, howToFix: string) {
    super(`${what} was not found. ${howToFix}`);
  }
}

export class PortInUseError extends StackError {
  constructor(port: number, what: string, envVar: string) {
    super(
      `Port ${port} for ${what} is already in use. Stop whatever uses it, or choose another port with ${envVar}=<port>.`,
    );
  }
}

export class StartupTimeoutError extends StackError {
  constructor(what: string, seconds: number, logHint: string) {
    super(`${what} did not become ready within ${seconds}s. ${logHint}`);
  }
}
