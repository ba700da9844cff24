/** A form's error line, announced to screen readers; nothing while there is no error. */
export function FieldError({ message }: { readonly message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" role="alert">
      {message}
    </p>
  );
}
