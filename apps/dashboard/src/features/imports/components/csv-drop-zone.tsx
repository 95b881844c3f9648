import { useId, useState, type DragEvent } from 'react';
import styles from './imports.module.css';

/** Drag & drop a CSV here, or choose it with the (labelled, keyboard-usable) file input. */
export function CsvDropZone({ file, onFile }: { file: File | null; onFile: (f: File) => void }) {
  const id = useId();
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent): void => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) onFile(f);
  };
  return (
    <div className={`${styles.drop} ${over ? styles.dropActive : ''}`} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={drop}>
      <p style={{ marginTop: 0 }}>Drop a CSV file here, or</p>
      <label htmlFor={id} style={{ fontWeight: 600 }}>Choose a CSV file</label>{' '}
      <input id={id} type="file" accept=".csv,text/csv" onChange={(e) => { const f = e.target.files?.[0]; if (f) onFile(f); }} />
      {file ? <p className="muted" role="status">Selected: {file.name} ({Math.ceil(file.size / 1024).toLocaleString('en-US')} KB)</p> : null}
    </div>
  );
}
