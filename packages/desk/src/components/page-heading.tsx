import { useEffect, useRef } from 'preact/hooks';

/** The page's h1, focused when the view changes so keyboard and screen-reader users land on it. */
export function PageHeading(props: { text: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [props.text]);
  return (
    <h1 tabIndex={-1} ref={heading}>
      {props.text}
    </h1>
  );
}
