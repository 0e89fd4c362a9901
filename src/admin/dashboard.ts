// The admin dashboard: one self-contained page (inline CSS/JS, no CDN: the server may have no internet).
// It holds no data itself: it asks for the token (kept in sessionStorage) and calls /admin/api.
// Every value from the API is written with textContent (the h() helper), never as HTML.
import { ORDER_STATES, type OrderState } from '../orders/types.js';

const CSS = `
:root{--brand:#0b6e4f;--brand-d:#07543c;--brand-l:#e7f4ee;--bg:#f2f4f7;--line:#e4e7ec;--muted:#667085;--text:#101828;
--red:#b42318;--red-bg:#fee4e2;--amber:#b54708;--amber-bg:#fef0c7;--green:#067647;--green-bg:#dcfae6;
--blue:#175cd3;--blue-bg:#dbeafe;--grey:#475467;--grey-bg:#eaecf0}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text)}
.hidden{display:none!important}.muted{color:var(--muted)}.err{color:var(--red)}.ok{color:var(--green)}
.small{font-size:12px}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.nw{white-space:nowrap}
input,select,textarea,button{font:inherit;color:inherit}
input,select,textarea{border:1px solid #d0d5dd;border-radius:6px;padding:5px 8px;background:#fff}
input:focus,select:focus,textarea:focus{outline:2px solid #0b6e4f55;border-color:var(--brand)}
textarea{width:100%;min-height:52px;resize:vertical;display:block;margin:2px 0 8px}
button{cursor:pointer;border:1px solid var(--brand);background:var(--brand);color:#fff;border-radius:6px;padding:5px 12px;font-weight:500}
button:hover{background:var(--brand-d)}button.ghost{background:#fff;color:var(--brand)}button.ghost:hover{background:var(--brand-l)}
button.sm{padding:2px 9px;font-size:12.5px}
header{background:var(--brand);color:#fff;padding:8px 20px;display:flex;gap:10px 22px;align-items:center;flex-wrap:wrap;position:sticky;top:0;z-index:5;box-shadow:0 1px 4px #0003}
header h1{font-size:17px;margin:0;font-weight:650;white-space:nowrap}header h1 span{font-weight:400;opacity:.75}
.bal{display:flex;flex-direction:column;line-height:1.15;padding-left:22px;border-left:1px solid #ffffff40}
.bal small{opacity:.8;font-size:11px;text-transform:uppercase;letter-spacing:.6px}
.bal b{font-size:24px;font-variant-numeric:tabular-nums;white-space:nowrap}
.pill{display:inline-block;border-radius:999px;padding:2px 10px;font-size:12.5px;font-weight:600;white-space:nowrap}
.pill.red{background:var(--red-bg);color:var(--red)}.pill.amber{background:var(--amber-bg);color:var(--amber)}
a.pill{text-decoration:none}
header .sp{flex:1}.hmeta{font-size:12px;opacity:.9;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.hmeta label{display:flex;gap:4px;align-items:center;cursor:pointer}
header button.ghost{background:transparent;color:#fff;border-color:#ffffff88}header button.ghost:hover{background:#ffffff1f}
#net-error{background:var(--red-bg);color:var(--red);border-radius:6px;padding:2px 8px}
main{padding:16px 20px 40px;display:grid;gap:16px;grid-template-columns:repeat(12,minmax(0,1fr));max-width:1720px;margin:0 auto}
section{grid-column:span 12;background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px #1018280d,0 1px 3px #1018281a;min-width:0}
section.half{grid-column:span 6}
@media (max-width:1100px){section.half{grid-column:span 12}}
.sh{display:flex;align-items:center;gap:8px 12px;flex-wrap:wrap;margin:0 0 10px}
.sh h2{font-size:15px;margin:0;font-weight:650}.sh .sp{flex:1}
h3{font-size:13px;margin:14px 0 6px;color:var(--grey);text-transform:uppercase;letter-spacing:.4px}
.count{display:inline-block;min-width:20px;text-align:center;border-radius:999px;background:var(--grey-bg);color:var(--grey);font-size:12px;padding:0 6px;margin-left:4px}
.count.hot{background:var(--red-bg);color:var(--red)}
.today{display:flex;gap:18px;flex-wrap:wrap;align-items:stretch}
.cards{display:grid;grid-template-columns:repeat(3,minmax(120px,1fr));gap:8px;flex:0 1 480px;align-self:start}
.card{background:#f9fafb;border:1px solid var(--line);border-radius:8px;padding:8px 12px}
.card b{display:block;font-size:20px;font-variant-numeric:tabular-nums;white-space:nowrap}.card span{font-size:12px;color:var(--muted)}
.card.red{background:var(--red-bg);border-color:#fecdca}.card.red b{color:var(--red)}
.card.amber{background:var(--amber-bg);border-color:#fedf89}.card.amber b{color:var(--amber)}
#chart{flex:1 1 420px;min-width:0}#chart svg{display:block}#chart .cap{font-size:12px;color:var(--muted);margin-bottom:2px}
svg .hr:hover rect.col{fill:#12a176}svg .hr rect.bg{fill:transparent}svg .hr:hover rect.bg{fill:#0b6e4f12}
.tw{overflow:auto;border:1px solid var(--line);border-radius:8px}
#orders-wrap{max-height:560px}
table{border-collapse:collapse;width:100%}
th{position:sticky;top:0;background:#f9fafb;z-index:1;font-size:12px;font-weight:600;color:var(--grey);text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);white-space:nowrap}
td{padding:6px 10px;border-bottom:1px solid #f0f1f3;font-size:13px;vertical-align:middle}
tbody tr:last-child td{border-bottom:0}
tr.click{cursor:pointer}tr.click:hover td{background:#f3faf7}
.sub{display:block;font-size:11.5px;color:var(--muted)}
.b{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:550;white-space:nowrap;background:var(--grey-bg);color:var(--grey)}
.b.green{background:var(--green-bg);color:var(--green)}.b.amber{background:var(--amber-bg);color:var(--amber)}
.b.red{background:var(--red-bg);color:var(--red)}.b.blue{background:var(--blue-bg);color:var(--blue)}.b.grey{background:var(--grey-bg);color:var(--grey)}
.cc{display:inline-block;font-size:10.5px;font-weight:600;color:var(--muted);border:1px solid var(--line);border-radius:4px;padding:0 4px;margin-right:5px;vertical-align:1px}
.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin-bottom:10px}
.filters input[type=search],.filters input#order-search{min-width:240px}
tr.fam td{background:#f6f8fa;font-weight:650;font-size:12px;text-transform:uppercase;letter-spacing:.5px;color:var(--grey);padding:6px 10px;border-bottom:1px solid var(--line)}
tr.fam:not(:first-child) td{border-top:1px solid var(--line)}
tr.off td:not(.keep){opacity:.55}
.rules{display:flex;gap:6px;align-items:center;flex-wrap:nowrap}
.rules label{display:flex;align-items:center;gap:3px;font-size:11.5px;color:var(--muted)}
.rules input{width:92px;text-align:right;padding:3px 6px;font-variant-numeric:tabular-nums}.rules input.mul{width:66px}
.rules input.dirty{border-color:var(--amber);background:#fffaeb}
.saved{font-size:12px;min-width:96px;display:inline-block}
.bar{height:12px;background:var(--grey-bg);border-radius:6px;overflow:hidden;min-width:160px;margin:4px 0}.bar>div{height:100%;background:var(--brand);transition:width .3s}
.bc{border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin:8px 0}
.bc .top{display:flex;gap:8px;align-items:center;flex-wrap:wrap}.bc .txt{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bcform label{font-size:12.5px;font-weight:600;color:var(--grey)}
pre.prev{white-space:pre-wrap;background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:8px;margin:6px 0;font:13px/1.4 system-ui,sans-serif}
ul.list{list-style:none;margin:0;padding:0}ul.list li{display:flex;gap:6px 10px;align-items:center;flex-wrap:wrap;padding:7px 0;border-bottom:1px solid #f0f1f3}
ul.list li:last-child{border-bottom:0}ul.list li .grow{flex:1;min-width:160px}
li.alert{border-left:3px solid var(--red);padding-left:10px!important}
a{color:var(--brand)}
.wa{display:flex;gap:10px 24px;flex-wrap:wrap;align-items:flex-start}.wa .grow{flex:1;min-width:220px}
.waqr img{display:block;border:1px solid var(--line);border-radius:8px;image-rendering:pixelated;background:#fff}
.wacode{font-size:28px;letter-spacing:3px;display:block;margin:4px 0}
.empty{padding:10px 0;color:var(--muted)}
#backdrop{position:fixed;inset:0;background:#10182840;z-index:9}
#drawer{position:fixed;top:0;right:0;width:min(600px,100%);height:100%;background:#fff;box-shadow:-4px 0 16px #0003;padding:16px 20px 30px;overflow:auto;display:none;z-index:10}
#drawer.open{display:block}
.dh{display:flex;align-items:flex-start;gap:10px;margin-bottom:10px}.dh h2 .mono{font-size:19px;letter-spacing:.5px}.dh h2{margin:0;font-size:19px;flex:1;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
dl.kv{display:grid;grid-template-columns:130px 1fr;gap:5px 12px;margin:0 0 6px;font-size:13.5px}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;min-width:0;overflow-wrap:anywhere}
ol.ops{list-style:none;margin:6px 0 0;padding:0}
ol.ops>li{position:relative;margin-left:9px;padding:0 0 16px 22px;border-left:2px solid #d0d5dd}
ol.ops>li:last-child{border-left-color:transparent;padding-bottom:4px}
ol.ops>li::before{content:"";position:absolute;left:-9px;top:1px;width:10px;height:10px;border-radius:50%;background:#fff;border:3px solid var(--dot,#98a2b3)}
ol.ops>li.s-success{--dot:var(--green)}ol.ops>li.s-failed{--dot:var(--red)}ol.ops>li.s-unknown{--dot:var(--amber)}
ol.ops>li.s-sent,ol.ops>li.s-recorded{--dot:var(--blue)}
.oprow{display:flex;gap:8px;align-items:center;flex-wrap:wrap}.oprow .step{font-weight:650;font-size:14px}.oprow .sp{flex:1}
.opline{font-size:12.5px;margin-top:2px}.operr{margin-top:4px;background:var(--red-bg);color:var(--red);border-radius:6px;padding:4px 8px;font-size:12.5px}
details.journal{margin-top:14px;border-top:1px solid var(--line);padding-top:8px}details.journal summary{cursor:pointer;color:var(--grey);font-weight:600;font-size:13px}
ol.tl{margin:6px 0 0;padding-left:0;list-style:none;font-size:12.5px}ol.tl li{padding:3px 0;border-bottom:1px dashed #eef0f2;display:flex;gap:8px;flex-wrap:wrap}
ol.tl li .t{color:var(--muted);font-variant-numeric:tabular-nums}ol.tl li.bad .lbl{color:var(--red);font-weight:600}
#login{max-width:380px;margin:12vh auto;background:#fff;padding:26px;border-radius:12px;box-shadow:0 4px 16px #10182822}
#login h2{margin:0 0 4px;color:var(--brand)}#login input{width:100%;margin:8px 0 12px}#login button{width:100%;padding:8px}
@media (max-width:640px){main{padding:10px;gap:10px}section{padding:10px 10px}header{padding:8px 12px;gap:6px 14px}
.bal{padding-left:0;border-left:0}.bal b{font-size:20px}.cards{grid-template-columns:repeat(2,minmax(0,1fr))}
.filters select{flex:1 1 100%}.filters input#order-search{min-width:0;flex:1}dl.kv{grid-template-columns:100px 1fr}#drawer{padding:12px}
.hmeta{width:100%}#catalog-filter{flex:1}header{position:static}}
@media (max-width:760px){#catalog thead{display:none}#catalog tr.fam td{display:block}
#catalog tr[data-testid=catalog-row]{display:grid;grid-template-columns:30px 1fr auto auto;align-items:center;border-bottom:1px solid #f0f1f3;padding:4px 0}
#catalog tr[data-testid=catalog-row] td{border:0;padding:3px 6px}#catalog tr[data-testid=catalog-row] td:last-child{grid-column:1/-1;padding-left:36px}
.rules{flex-wrap:wrap}.rules input{width:64px;padding:3px 4px}.rules input[data-testid=rule-max]{width:86px}.rules input.mul{width:46px}
.rules input::-webkit-inner-spin-button{display:none}
#catalog tr[data-testid=catalog-row] td:nth-child(2){min-width:0;overflow-wrap:anywhere}}
`;

// French label and badge colour of each state; typed by OrderState so a new state cannot be forgotten.
const STATE_VIEW: Record<OrderState, [label: string, colour: string]> = {
  created: ['créée', 'grey'],
  collecting: ['paiement en cours', 'blue'],
  collect_failed: ['paiement échoué', 'grey'],
  collected: ['payée', 'blue'],
  delivering: ['livraison en cours', 'blue'],
  delivered: ['livrée, reçu en cours', 'green'],
  completed: ['livrée', 'green'],
  refunding: ['remboursement en cours', 'amber'],
  refunded: ['remboursée', 'amber'],
  needs_human: ['à traiter', 'red'],
  cancelled: ['annulée', 'grey'],
};
const STATES: [string, string, string][] = ORDER_STATES.map((k) => [k, ...STATE_VIEW[k]]);

// Browser code. String.raw keeps regex backslashes as written; the only interpolation is the constant
// STATES table above (no request data ever reaches this template).
const JS = String.raw`
const $=(s)=>document.querySelector(s);
function h(tag,attrs,...kids){const e=document.createElement(tag);for(const [k,v] of Object.entries(attrs||{})){if(v===undefined||v===null||v===false)continue;if(k.startsWith('on'))e.addEventListener(k.slice(2),v);else if(k==='testid')e.dataset.testid=v;else e.setAttribute(k,v)}for(const k of kids.flat()){if(k===null||k===undefined||k===false)continue;e.append(k instanceof Node?k:document.createTextNode(String(k)))}return e}
const STATES=${JSON.stringify(STATES)};
const STATE=Object.fromEntries(STATES.map(([k,l,c])=>[k,{l,c}]));
const stateBadge=(s,testid)=>h('span',{class:'b '+((STATE[s]||{}).c||'grey'),title:s,testid},(STATE[s]||{}).l||s);
const grp=(n)=>Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g,' ');
const fmt=(n)=>grp(n)+' FCFA';
const p2=(n)=>String(n).padStart(2,'0');
const dShort=(t)=>{const d=new Date(t);return p2(d.getDate())+'/'+p2(d.getMonth()+1)+' '+p2(d.getHours())+':'+p2(d.getMinutes())};
const hms=(t)=>{const d=new Date(t);return p2(d.getHours())+':'+p2(d.getMinutes())+':'+p2(d.getSeconds())};
const dLong=(t)=>{const d=new Date(t);return p2(d.getDate())+'/'+p2(d.getMonth()+1)+'/'+d.getFullYear()+' '+hms(t)};
const dur=(ms)=>ms<1000?ms+' ms':ms<60000?(ms/1000).toFixed(1).replace('.',',')+' s':ms<3600000?Math.round(ms/60000)+' min':Math.round(ms/3600000)+' h';
const ago=(t)=>{const s=Math.max(0,Date.now()-t);return s<60000?'à l\u2019instant':'il y a '+dur(s)};
// Phones as people read them: SN 2-3-2-2 ("78 000 11 22"), CI in pairs; anything else as stored.
function phoneText(p){const s=String(p||'');let m=s.match(/^\+221(\d{9})$/);if(m){const d=m[1];return d.slice(0,2)+' '+d.slice(2,5)+' '+d.slice(5,7)+' '+d.slice(7)}
 m=s.match(/^\+225(\d{10})$/);if(m)return m[1].replace(/(\d\d)(?=\d)/g,'$1 ');return s}
function phoneEl(p){if(!p)return null;const s=String(p);const cc=s.startsWith('+221')?'SN':s.startsWith('+225')?'CI':null;return h('span',{class:'nw',title:s},cc?h('span',{class:'cc'},cc):null,phoneText(s))}
const FAMILIES=[['airtime','Crédit téléphone','crédit'],['bill_pay','Factures','facture'],['bill_reload','Recharges prépayées','recharge'],['wallet_collect','Moyens de paiement (collecte)','collecte'],['wallet_send','Envoi vers wallet','envoi'],['messaging','Messagerie','message']];
const FAM=Object.fromEntries(FAMILIES.map(([k,l,s])=>[k,{l,s}]));
let catalog=new Map();
function svcLabel(code){const e=catalog.get(code);if(e)return e.label;const w=String(code||'').split('_')[0]||'';return w.charAt(0)+w.slice(1).toLowerCase()}
function svcEl(code){const e=catalog.get(code);const fam=e&&FAM[e.family]?' · '+FAM[e.family].s:'';return [h('span',{},svcLabel(code)+fam),h('span',{class:'sub mono'},code)]}
const STEP={collect:'Paiement',deliver:'Livraison',receipt:'Reçu',refund:'Remboursement',claim:'Réclamation'};
const OPST={recorded:['enregistrée','blue'],sent:['envoyée','blue'],unknown:['issue inconnue','amber'],success:['réussie','green'],failed:['échouée','red']};
const KIND={event:'événement',operation:'opération',callback:'callback'};

let token=sessionStorage.getItem('adminToken');
async function api(path,opts={}){const r=await fetch('/admin/api'+path,{...opts,headers:{'authorization':'Bearer '+token,...(opts.body?{'content-type':'application/json'}:{})}});
 if(r.status===401){logout('Jeton refusé / token refused');throw new Error('unauthorized')}
 const body=await r.json().catch(()=>({}));if(!r.ok)throw new Error(body.message||('HTTP '+r.status));return body}
function netError(e){if(e&&e.message==='unauthorized')return;const el=$('#net-error');el.textContent='Erreur : '+((e&&e.message)||e);el.classList.remove('hidden')}
const safe=(p)=>p.catch(netError);
function logout(msg){token=null;setAuto(false);if(waPoll){clearInterval(waPoll);waPoll=null}sessionStorage.removeItem('adminToken');closeDrawer();$('#app').classList.add('hidden');$('#login').classList.remove('hidden');if(msg)$('#login-error').textContent=msg}
async function login(){token=$('#token').value.trim();$('#login-error').textContent='';
 try{await api('/stats')}catch(e){if(token)$('#login-error').textContent='Jeton refusé / token refused';return}
 sessionStorage.setItem('adminToken',token);enter()}
function enter(){$('#login').classList.add('hidden');$('#app').classList.remove('hidden');refreshAll();setAuto($('#auto').checked)}
function stamp(){$('#refreshed').textContent='Mis à jour à '+hms(Date.now())}
// Orders need the catalog's labels: load it first, then everything else in parallel.
function refreshAll(){$('#net-error').classList.add('hidden');safe(loadWhatsapp());safe(loadStats());safe(loadBalance());safe(loadBroadcasts());
 return loadCatalog().catch(netError).then(()=>Promise.all([safe(loadOrders()),safe(loadAttention())])).then(stamp)}
// Auto-refresh: live figures only (not the catalog, whose rule inputs may be mid-edit; broadcasts poll on their own).
let autoTimer=null;
function setAuto(on){if(autoTimer){clearInterval(autoTimer);autoTimer=null}if(on&&token)autoTimer=setInterval(()=>{if(document.hidden)return;
 Promise.all([safe(loadWhatsapp()),safe(loadStats()),safe(loadBalance()),safe(loadOrders()),safe(loadAttention())]).then(stamp)},15000)}

// WhatsApp link: state, the QR (as Baileys refreshes it) or the pairing code, and relink.
const WAST={open:['connecté','green'],connecting:['connexion…','blue'],closed:['déconnecté, nouvel essai','amber'],logged_out:['session terminée','red'],stopped:['arrêté','red']};
let waPoll=null;
async function loadWhatsapp(){const w=await api('/whatsapp');const sec=$('#wa-section');if(w.channel!=='whatsapp'){sec.classList.add('hidden');return}
 sec.classList.remove('hidden');const [label,colour]=WAST[w.state]||[w.state,'grey'];
 const info=h('div',{class:'grow'},h('div',{class:'oprow'},h('span',{class:'b '+colour,testid:'wa-state','data-state':w.state,title:w.state},label),
   h('span',{class:'muted small',testid:'wa-linked'},(w.linked?'numéro lié':'pas encore lié')+' · depuis '+dLong(w.since))),
  w.lastDisconnect?h('p',{class:'muted small'},'Dernière coupure : code '+(w.lastDisconnect.code===null?'—':w.lastDisconnect.code)+' à '+hms(w.lastDisconnect.at)):null,
  w.state==='logged_out'?h('p',{class:'err'},'Le téléphone a déconnecté le bot (ou la session a expiré). Cliquez sur « Relier à nouveau » puis scannez le nouveau QR code.'):null,
  w.state==='stopped'?h('p',{class:'err'},'Connexion refusée (numéro bloqué) ou reprise par un autre client. Vérifiez, puis « Relier à nouveau ».'):null,
  w.pairingCode?h('div',{},h('p',{class:'small'},'Code d’association (WhatsApp › Appareils connectés › Connecter un appareil › Connecter avec un numéro de téléphone) :'),h('b',{class:'mono wacode',testid:'wa-pairing-code'},w.pairingCode)):null,
  !w.qrImage&&!w.pairingCode&&w.state!=='open'&&!w.linked?h('p',{class:'muted small'},'En attente d’un QR code de WhatsApp…'):null,
  w.state!=='open'?h('button',{testid:'wa-relink',onclick:async(e)=>{e.target.disabled=true;try{await api('/whatsapp/relink',{method:'POST'})}catch(err){netError(err)}e.target.disabled=false;safe(loadWhatsapp())}},'Relier à nouveau / relink'):null);
 const qr=w.qrImage?h('div',{class:'waqr'},h('img',{src:w.qrImage,alt:'QR code WhatsApp',testid:'wa-qr',width:'280',height:'280'}),
  h('p',{class:'small muted'},'Téléphone du bot : WhatsApp › Appareils connectés › Connecter un appareil. Le code change toutes les 20 s.')):null;
 $('#wa').replaceChildren(info,...(qr?[qr]:[]));
 // Not connected: follow the QR as WhatsApp renews it.
 const live=w.state!=='open';if(live&&!waPoll)waPoll=setInterval(()=>{if(!document.hidden)safe(loadWhatsapp())},3000);if(!live&&waPoll){clearInterval(waPoll);waPoll=null}}

async function loadStats(){const s=await api('/stats');
 const card=(testid,v,label,cls)=>h('div',{class:'card'+(cls?' '+cls:'')},h('b',{testid},v),h('span',{},label));
 $('#stats').replaceChildren(card('stat-orders',s.orders,'commandes'),card(null,s.delivered,'livrées'),card('stat-volume',fmt(s.volume),'volume livré'),
  card(null,s.inProgress,'en cours'),card('stat-failures',s.failures,'échecs',s.failures?'red':''),card('stat-refunds',s.refundsPending,'remb. en attente',s.refundsPending?'amber':''));
 drawChart(s)}
let lastStats=null,resizeT=null;
window.addEventListener('resize',()=>{clearTimeout(resizeT);resizeT=setTimeout(()=>{if(lastStats)drawChart(lastStats)},150)});
function drawChart(s){lastStats=s;const max=Math.max(1,...s.byHour);const top=Math.max(...s.byHour);const L=58,W=Math.max(320,Math.round($('#chart').clientWidth||620)),H=120,T=8,bw=(W-L)/24;const ns='http://www.w3.org/2000/svg';
 const el=(n,a,txt)=>{const e=document.createElementNS(ns,n);for(const [k,v] of Object.entries(a))e.setAttribute(k,v);if(txt!==undefined)e.textContent=txt;return e};
 const svg=el('svg',{viewBox:'0 0 '+W+' '+(H+T+18),width:'100%',height:H+T+18,role:'img','aria-label':'Volume livré par heure'});svg.dataset.testid='volume-chart';
 // Y axis: the max and half of it, so a bar's height reads as an amount.
 for(const [f,lab] of [[1,top?grp(top):'0'],[0.5,top?grp(top/2):''],[0,'0']]){const y=T+H-H*f;svg.append(el('line',{x1:L,x2:W,y1:y,y2:y,stroke:f?'#e4e7ec':'#98a2b3','stroke-dasharray':f&&f<1?'3 3':''}));
  if(lab)svg.append(el('text',{x:L-6,y:y+4,'text-anchor':'end','font-size':'11',fill:'#667085'},lab))}
 const nowH=new Date().getUTCHours();
 s.byHour.forEach((v,i)=>{const bh=Math.round(H*v/max);const g=el('g',{class:'hr'});g.append(el('title',{},p2(i)+'h–'+p2((i+1)%24)+'h : '+fmt(v)));
  g.append(el('rect',{class:'bg',x:L+i*bw,y:T,width:bw,height:H}));
  const r=el('rect',{class:'col',x:L+i*bw+2,y:T+H-bh,width:bw-4,height:bh,rx:2,fill:i===nowH?'#0b6e4f':'#3b9a78'});r.dataset.testid='chart-bar';r.dataset.hour=i;r.dataset.value=v;g.append(r);svg.append(g);
  if(i%3===0)svg.append(el('text',{x:L+i*bw+bw/2,y:T+H+14,'text-anchor':'middle','font-size':'11',fill:'#667085'},i+'h'))});
 $('#chart').replaceChildren(h('div',{class:'cap'},'Volume livré par heure (UTC = heure de Dakar et d\u2019Abidjan) · max '+fmt(top)),svg)}

async function loadBalance(){const warn=$('#balance-warn');try{const b=await api('/balance');$('#balance').textContent=fmt(b.balance);
  const w=b.watch;warn.classList.toggle('hidden',!(w&&w.below));if(w&&w.below)warn.textContent='⚠ sous le seuil de '+fmt(w.threshold)+(w.hidden&&w.hidden.length?' · '+w.hidden.length+' service(s) masqué(s)':'')}
 catch(e){$('#balance').textContent='indisponible';warn.classList.add('hidden');if(e.message==='unauthorized')throw e}}

let ordersSeq=0;
function searchValue(){const s=$('#order-search').value.trim();return /^[+\d\s.-]+$/.test(s)?s.replace(/[\s.-]/g,''):s}
async function loadOrders(){const seq=++ordersSeq;const q=new URLSearchParams();const st=$('#order-state').value;const s=searchValue();if(st)q.set('state',st);if(s)q.set('search',s);
 const {orders}=await api('/orders?'+q);if(seq!==ordersSeq)return; // a newer request (filter change, auto-refresh) wins
 $('#orders tbody').replaceChildren(...orders.map(o=>h('tr',{class:'click',testid:'order-row','data-id':o.id,tabindex:'0',onclick:()=>openOrder(o.id),onkeydown:(e)=>{if(e.key==='Enter')openOrder(o.id)}},
  h('td',{class:'mono'},o.id),h('td',{class:'nw',title:dLong(o.createdAt)},dShort(o.createdAt)),h('td',{},stateBadge(o.state)),
  h('td',{},svcEl(o.codeService)),h('td',{class:'num'},fmt(o.amount)),
  h('td',{},o.recipient?phoneEl(o.recipient):h('span',{class:'mono'},o.account||'')),
  h('td',{},o.payment?[h('span',{},svcLabel(o.payment.codeService)),h('span',{class:'sub'},phoneEl(o.payment.payer))]:''))));
 $('#orders-count').textContent=orders.length+(orders.length>=100?'+':'')+' commande'+(orders.length>1?'s':'');
 $('#orders-empty').classList.toggle('hidden',orders.length>0)}

function closeDrawer(){$('#drawer').classList.remove('open');$('#backdrop').classList.add('hidden')}
function opItem(op,callbacks){const [stl,stc]=OPST[op.status]||[op.status,'grey'];const t0=op.recordedAt;
 const times=['enregistrée '+hms(t0)];if(op.sentAt!==undefined)times.push('envoyée +'+dur(op.sentAt-t0));if(op.settledAt!==undefined)times.push('terminée '+hms(op.settledAt)+' (+'+dur(op.settledAt-t0)+')');
 const cbs=op.externalTransactionId?callbacks.filter(c=>c.externalTransactionId===op.externalTransactionId):[];
 const failed=op.status==='failed'||(op.errorType&&op.status!=='success');
 const errText=op.errorType?(op.errorType.code+(op.errorType.message?' — '+op.errorType.message:'')):'';
 return h('li',{class:'s-'+op.status,testid:'op-'+op.step},
  h('div',{class:'oprow'},h('span',{class:'step'},STEP[op.step]||op.step),h('span',{class:'b '+stc},stl),op.intechStatus?h('span',{class:'muted small mono'},op.intechStatus):null,h('span',{class:'sp'}),h('b',{class:'num'},fmt(op.amount))),
  h('div',{class:'opline'},svcLabel(op.codeService),' ',h('span',{class:'muted mono'},op.codeService)),
  h('div',{class:'opline muted'},times.join(' · ')),
  h('div',{class:'opline mono'},h('span',{class:'muted'},'Intech tx '),op.transactionId||'—',op.externalTransactionId?[h('span',{class:'muted'},'  ·  notre réf. '),op.externalTransactionId]:null,op.sousServiceTransactionId?[h('span',{class:'muted'},'  ·  opérateur '),op.sousServiceTransactionId]:null),
  ...cbs.map(c=>h('div',{class:'opline'},h('span',{class:'muted'},'Callback Intech '),h('span',{class:'b '+(c.status==='SUCCESS'?'green':/FAIL/.test(c.status)?'red':'grey')},c.status),h('span',{class:'muted'},' reçu '+hms(c.receivedAt)))),
  failed?h('div',{class:'operr'},errText||op.message||'Échec sans détail'):op.message?h('div',{class:'opline muted'},op.message):null,
  op.deepLinkUrl?h('div',{class:'opline muted small'},'Lien de paiement : '+op.deepLinkUrl):null)}
async function openOrder(id){const {order,callbacks=[],timeline}=await api('/orders/'+encodeURIComponent(id));const d=$('#drawer');const o=order;
 const row=(k,...v)=>[h('dt',{},k),h('dd',{},...v)];
 const ops=Object.values(o.operations||{}).sort((a,b)=>a.recordedAt-b.recordedAt);
 d.replaceChildren(
  h('div',{class:'dh'},h('h2',{testid:'drawer-title'},h('span',{class:'mono'},o.id),stateBadge(o.state)),h('button',{class:'ghost sm',testid:'drawer-close',onclick:closeDrawer},'Fermer ✕')),
  h('dl',{class:'kv'},
   row('Service',...svcEl(o.codeService)),
   row('Montant',h('b',{},fmt(o.amount))),
   o.recipient?row('Bénéficiaire',phoneEl(o.recipient)):null,
   o.account?row('Compte',h('span',{class:'mono'},o.account),o.billReference?h('span',{class:'muted'},' · facture '+o.billReference):null):null,
   ...(o.billInfo||[]).map(i=>row(i.label,i.value)),
   o.payment?row('Payé avec',svcLabel(o.payment.codeService)+' · ',phoneEl(o.payment.payer),h('span',{class:'sub mono'},o.payment.codeService)):null,
   row('Client WhatsApp',phoneEl(o.customerId),' ',h('span',{class:'muted'},'('+o.lang+')')),
   row('Créée',dLong(o.createdAt),h('span',{class:'muted'},' · mise à jour '+dLong(o.updatedAt))),
   o.tokens&&o.tokens.length?row('Codes',...o.tokens.map(t=>h('div',{class:'mono'},t))):null,
   o.claimRef?row('Réclamation',h('b',{class:'err'},o.claimRef)):null,
   o.receiptVia?row('Reçu envoyé par',o.receiptVia==='intech'?'Intech':'le chat'):null),
  h('h3',{},'Opérations'),
  ops.length?h('ol',{class:'ops',testid:'operations'},h('li',{class:'s-recorded'},h('div',{class:'oprow'},h('span',{class:'step'},'Commande créée'),h('span',{class:'sp'}),h('span',{class:'muted small'},dLong(o.createdAt)))),...ops.map(op=>opItem(op,callbacks)))
   :h('p',{class:'empty'},'Aucune opération : rien n\u2019a été envoyé à Intech.'),
  h('details',{class:'journal'},h('summary',{},'Journal technique ('+timeline.length+' entrées)'),
   h('ol',{class:'tl',testid:'timeline'},...timeline.map(e=>h('li',{testid:'timeline-entry','data-kind':e.kind,class:/fail|FAIL|unknown|timeout/.test(e.label+' '+(e.detail||''))?'bad':''},
    h('span',{class:'t'},hms(e.at)),h('span',{class:'b grey'},KIND[e.kind]||e.kind),h('span',{class:'lbl mono'},e.label),e.detail?h('span',{class:'muted'},e.detail):null)))));
 d.classList.add('open');$('#backdrop').classList.remove('hidden');d.scrollTop=0}

async function loadAttention(){const {orders,alerts}=await api('/attention');const box=$('#attention');const n=orders.length+alerts.length;
 const pill=$('#attn-pill');pill.textContent=n+' à traiter';pill.classList.toggle('hidden',!n);
 box.replaceChildren(
  h('h3',{},'Commandes',h('span',{class:'count'+(orders.length?' hot':'')},orders.length)),
  orders.length?h('ul',{class:'list'},...orders.map(o=>h('li',{testid:'attention-order'},stateBadge(o.state),
   h('a',{href:'#',class:'mono',onclick:(e)=>{e.preventDefault();openOrder(o.id)}},o.id),
   h('span',{class:'grow'},svcLabel(o.codeService)+' · '+fmt(o.amount)+' · client ',phoneEl(o.customerId),o.claimRef?h('span',{class:'err'},' · réclamation '+o.claimRef):null),
   h('span',{class:'muted small nw',title:dLong(o.updatedAt||o.createdAt)},ago(o.updatedAt||o.createdAt)))))
   :h('p',{class:'empty'},'Aucune commande en attente ✓'),
  h('h3',{},'Alertes',h('span',{class:'count'+(alerts.length?' hot':'')},alerts.length)),
  alerts.length?h('ul',{class:'list'},...alerts.map(a=>h('li',{testid:'alert',class:'alert'},h('span',{class:'muted small nw',title:dLong(a.at)},dShort(a.at)),h('span',{class:'b red'},a.kind),
   h('span',{class:'grow'},a.message,a.orderId?[' · ',h('a',{href:'#',class:'mono',onclick:(e)=>{e.preventDefault();openOrder(a.orderId)}},a.orderId)]:null),
   h('button',{class:'ghost sm',onclick:async()=>{await safe(api('/alerts/'+encodeURIComponent(a.id)+'/resolve',{method:'POST'}));safe(loadAttention())}},'Résolu ✓'))))
   :h('p',{class:'empty'},'Aucune alerte ouverte ✓'))}

function availText(e){return e.available?'oui':'non'}
function availTitle(e){return e.available?'proposé aux clients':e.enabled?'masqué automatiquement (solde marchand insuffisant)':'désactivé par un admin'}
function catalogRow(e){
 const num=(testid,v,cls,label)=>{const i=h('input',{type:'number',min:'0',value:v,class:cls,testid,'aria-label':label});i.addEventListener('input',()=>i.classList.add('dirty'));return i};
 const min=num('rule-min',e.rules.min,'','minimum'),max=num('rule-max',e.rules.max,'','maximum'),mul=num('rule-multiple',e.rules.multiple,'mul','multiple');
 const fb=h('span',{class:'saved'});let fbT=null;
 const feedback=(text,cls)=>{fb.textContent=text;fb.className='saved '+cls;clearTimeout(fbT);if(cls==='ok')fbT=setTimeout(()=>{fb.textContent=''},3000)};
 const cb=h('input',{type:'checkbox',testid:'catalog-toggle','aria-label':'actif'});cb.checked=e.enabled;
 const av=h('span',{testid:'catalog-available'},availText(e));const avWrap=h('span',{class:'b '+(e.available?'green':'grey'),title:availTitle(e)},av);
 const tr=h('tr',{testid:'catalog-row','data-code':e.codeService,'data-family':e.family,class:e.available?'':'off'},
  h('td',{class:'keep'},cb),h('td',{},h('b',{},e.label),'  ',h('span',{class:'muted mono small'},e.codeService)),h('td',{},h('span',{class:'cc'},e.country)),
  h('td',{class:'keep'},avWrap),h('td',{class:'keep'},h('div',{class:'rules'},h('label',{},'min',min),h('label',{},'max',max),h('label',{},'×',mul),
   h('button',{class:'ghost sm',testid:'rule-save',onclick:async()=>{feedback('…','muted');try{const r=await api('/catalog/'+encodeURIComponent(e.codeService),{method:'PATCH',body:JSON.stringify({rules:{min:+min.value,max:+max.value,multiple:+mul.value}})});apply(r.entry);feedback('enregistré ✓','ok')}catch(err){feedback(err.message,'err')}}},'Enregistrer'),fb)));
 // Update the row from the server's answer rather than re-rendering the table: other rows keep their edits.
 function apply(x){if(!x)return;cb.checked=x.enabled;av.textContent=availText(x);avWrap.className='b '+(x.available?'green':'grey');avWrap.title=availTitle(x);tr.className=x.available?'':'off';
  min.value=x.rules.min;max.value=x.rules.max;mul.value=x.rules.multiple;for(const i of [min,max,mul])i.classList.remove('dirty');catalog.set(x.codeService,x)}
 cb.addEventListener('change',async()=>{try{const r=await api('/catalog/'+encodeURIComponent(e.codeService),{method:'PATCH',body:JSON.stringify({enabled:cb.checked})});apply(r.entry);feedback(cb.checked?'activé ✓':'désactivé ✓','ok')}catch(err){cb.checked=!cb.checked;feedback(err.message,'err')}});
 return tr}
async function loadCatalog(){const {entries,lastSync}=await api('/catalog');catalog=new Map(entries.map(e=>[e.codeService,e]));
 $('#sync-info').textContent=lastSync?('Dernière synchro '+dShort(lastSync.at)+(lastSync.ok?'':' (échec)')):'';
 const ann=lastSync&&lastSync.ok&&lastSync.announcement;$('#use-announcement').classList.toggle('hidden',!ann);
 $('#use-announcement').onclick=()=>{if(!ann)return;$('#bc-fr').value=ann.fr||'';$('#bc-en').value=ann.en||'';$('#bc-wo').value=ann.wo||'';preview();$('#bc-fr').scrollIntoView({block:'center'})};
 const order=FAMILIES.map(f=>f[0]);const rank=(f)=>{const i=order.indexOf(f);return i<0?order.length:i};
 const sorted=[...entries].sort((a,b)=>rank(a.family)-rank(b.family)||a.country.localeCompare(b.country)||a.label.localeCompare(b.label)||a.codeService.localeCompare(b.codeService));
 const rows=[];let fam=null;
 for(const e of sorted){if(e.family!==fam){fam=e.family;const n=sorted.filter(x=>x.family===fam).length;const off=sorted.filter(x=>x.family===fam&&!x.available).length;
   rows.push(h('tr',{class:'fam','data-family':fam},h('td',{colspan:'5'},(FAM[fam]?FAM[fam].l:(fam||'Autres'))+' ',h('span',{class:'count'},n),off?h('span',{class:'muted',style:'text-transform:none;font-weight:400'},'  · '+off+' indisponible(s)'):null)))}
  rows.push(catalogRow(e))}
 $('#catalog tbody').replaceChildren(...rows);$('#catalog-count').textContent=entries.length+' services · '+entries.filter(e=>e.available).length+' disponibles';filterCatalog()}
function filterCatalog(){const q=$('#catalog-filter').value.trim().toLowerCase();const shown=new Set();
 for(const tr of document.querySelectorAll('#catalog tr[data-testid="catalog-row"]')){const hit=!q||tr.textContent.toLowerCase().includes(q)||tr.dataset.code.toLowerCase().includes(q);tr.classList.toggle('hidden',!hit);if(hit)shown.add(tr.dataset.family)}
 for(const tr of document.querySelectorAll('#catalog tr.fam'))tr.classList.toggle('hidden',!shown.has(tr.dataset.family))}

let poll=null;
const BCST={draft:'grey',sending:'blue',done:'green',cancelled:'grey'};
const BCFR={draft:'brouillon',sending:'envoi en cours',done:'terminée',cancelled:'annulée'};
async function loadBroadcasts(){const {broadcasts,subscribers}=await api('/broadcasts');$('#subscribers').textContent=subscribers;
 $('#bc-list').replaceChildren(...(broadcasts.length?[h('h3',{},'Historique')]:[]),...broadcasts.map(b=>h('div',{class:'bc',testid:'bc-item','data-id':b.id,'data-state':b.state},
  h('div',{class:'top'},h('span',{class:'b '+(BCST[b.state]||'grey'),testid:'bc-state',title:BCFR[b.state]||b.state},b.state),h('span',{class:'muted small nw'},dShort(b.createdAt)),h('span',{class:'txt',title:b.text.fr},b.text.fr),
   b.state==='sending'||b.state==='draft'?h('button',{class:'ghost sm',testid:'bc-cancel',onclick:async()=>{await safe(api('/broadcasts/'+b.id+'/cancel',{method:'POST'}));safe(loadBroadcasts())}},'Annuler'):null),
  h('div',{class:'bar',role:'progressbar','aria-valuemin':0,'aria-valuemax':100,'aria-valuenow':b.percent,testid:'bc-progress'},h('div',{style:'width:'+b.percent+'%'})),
  h('div',{class:'muted small',testid:'bc-figures'},b.percent+'% · '+b.sent+' envoyés · '+(b.delivered||0)+' reçus · '+(b.read||0)+' lus · '+(b.failed+b.unknown)+' échecs · '+b.skipped+' ignorés · '+b.left+' restants / '+b.total))));
 const live=broadcasts.some(b=>b.state==='sending');if(live&&!poll)poll=setInterval(()=>safe(loadBroadcasts()),700);if(!live&&poll){clearInterval(poll);poll=null}}
function bcText(){const t={fr:$('#bc-fr').value.trim()};const en=$('#bc-en').value.trim(),wo=$('#bc-wo').value.trim();if(en)t.en=en;if(wo)t.wo=wo;return t}
function preview(){const t=bcText();const box=$('#bc-preview-box');if(!t.fr){box.replaceChildren(h('p',{class:'err'},'Texte français requis'));return}
 box.replaceChildren(h('p',{},'Aperçu pour ',h('b',{},$('#subscribers').textContent),' abonné(s) :'),...Object.entries(t).map(([l,v])=>h('pre',{class:'prev',testid:'bc-preview-'+l},'['+l+'] '+v)),h('p',{class:'muted small'},'Une ligne « Répondez STOP… » est ajoutée dans la langue du client.'));
 $('#bc-send').classList.remove('hidden')}
async function send(){const t=bcText();$('#bc-send').classList.add('hidden');$('#bc-preview-box').replaceChildren();await safe(api('/broadcasts',{method:'POST',body:JSON.stringify({text:t,send:true})}));safe(loadBroadcasts())}

$('#login-btn').addEventListener('click',login);$('#token').addEventListener('keydown',e=>{if(e.key==='Enter')login()});
$('#logout').addEventListener('click',()=>logout());$('#order-search-btn').addEventListener('click',()=>safe(loadOrders()));
$('#order-search').addEventListener('keydown',e=>{if(e.key==='Enter')safe(loadOrders())});$('#order-state').addEventListener('change',()=>safe(loadOrders()));
$('#refresh').addEventListener('click',refreshAll);$('#auto').addEventListener('change',e=>setAuto(e.target.checked));
$('#bc-preview').addEventListener('click',preview);$('#bc-send').addEventListener('click',send);
$('#catalog-filter').addEventListener('input',filterCatalog);$('#backdrop').addEventListener('click',closeDrawer);
document.addEventListener('keydown',e=>{if(e.key==='Escape')closeDrawer()});
$('#attn-pill').addEventListener('click',e=>{e.preventDefault();$('#attention-section').scrollIntoView({behavior:'smooth'})});
$('#sync').addEventListener('click',async()=>{const info=$('#sync-info');info.textContent='synchronisation…';try{const r=await api('/catalog/sync',{method:'POST'});
 const msg=r.ok?('Synchro à '+hms(Date.now())+' : +'+r.diff.added.length+' ajouté(s) · −'+r.diff.removed.length+' retiré(s) · '+r.diff.renamed.length+' renommé(s)'):('Synchro en échec : '+r.error);await loadCatalog();info.textContent=msg}catch(e){info.textContent='Synchro en échec : '+e.message}});
if(token){api('/stats').then(enter).catch(()=>{})}
`;

export function dashboardHtml(nonce: string): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Xaalis Bot — admin</title><style>${CSS}</style></head>
<body>
<div id="login"><h2>Xaalis Bot</h2><p class="muted">Console d'administration</p><label for="token">Jeton d'accès / access token</label>
<input id="token" type="password" autocomplete="off" data-testid="token-input">
<button id="login-btn" data-testid="login">Entrer</button><p id="login-error" class="err" data-testid="login-error"></p></div>
<div id="app" class="hidden">
<header><h1>Xaalis Bot <span>admin</span></h1>
<div class="bal"><small>Solde marchand</small><b id="balance" data-testid="balance">…</b></div>
<span id="balance-warn" class="pill amber hidden" data-testid="balance-warn"></span>
<a href="#attention-section" id="attn-pill" class="pill red hidden" data-testid="attention-pill"></a>
<span class="sp"></span>
<div class="hmeta"><span id="net-error" class="hidden" role="alert"></span><span id="refreshed" data-testid="refreshed"></span>
<label title="Rafraîchit commandes, chiffres et alertes toutes les 15 secondes"><input type="checkbox" id="auto" data-testid="auto-refresh" checked> auto 15 s</label>
<button class="ghost sm" id="refresh" data-testid="refresh">Rafraîchir</button><button class="ghost sm" id="logout" data-testid="logout">Quitter</button></div></header>
<main>
<section id="wa-section" class="hidden" data-testid="wa-section"><div class="sh"><h2>WhatsApp</h2></div><div id="wa" class="wa" data-testid="wa"></div></section>
<section><div class="sh"><h2>Aujourd'hui</h2></div><div class="today"><div class="cards" id="stats"></div><div id="chart"></div></div></section>
<section><div class="sh"><h2>Commandes</h2><span id="orders-count" class="muted small"></span></div>
<div class="filters"><select id="order-state" data-testid="order-state"><option value="">tous les états</option>${STATES.map(([v, l]) => `<option value="${v}">${l}</option>`).join('')}</select>
<input id="order-search" type="search" placeholder="référence, numéro, compte" data-testid="order-search">
<button id="order-search-btn" data-testid="order-search-btn">Chercher</button></div>
<div class="tw" id="orders-wrap"><table id="orders" data-testid="orders-table"><thead><tr><th>Réf</th><th>Date</th><th>État</th><th>Service</th><th class="num">Montant</th><th>Bénéficiaire</th><th>Payé avec</th></tr></thead><tbody></tbody></table>
<p id="orders-empty" class="empty hidden" style="padding:12px">Aucune commande.</p></div></section>
<section class="half" id="attention-section" data-testid="attention-section"><div class="sh"><h2>À traiter par une personne</h2></div><div id="attention" data-testid="attention"></div></section>
<section class="half"><div class="sh"><h2>Diffusions</h2><span class="sp"></span><span class="muted"><b id="subscribers" data-testid="subscribers">0</b> abonné(s)</span></div>
<div class="bcform"><label for="bc-fr">Français (obligatoire)</label><textarea id="bc-fr" data-testid="bc-fr"></textarea>
<label for="bc-en">English</label><textarea id="bc-en" data-testid="bc-en"></textarea>
<label for="bc-wo">Wolof</label><textarea id="bc-wo" data-testid="bc-wo"></textarea></div>
<button id="bc-preview" class="ghost" data-testid="bc-preview">Aperçu</button> <button id="bc-send" class="hidden" data-testid="bc-send">Envoyer à tous</button>
<div id="bc-preview-box" data-testid="bc-preview-box"></div><div id="bc-list" data-testid="bc-list"></div></section>
<section><div class="sh"><h2>Catalogue</h2><span id="catalog-count" class="muted small"></span><span class="sp"></span>
<input id="catalog-filter" type="search" placeholder="filtrer (nom, code, pays)" data-testid="catalog-filter">
<button id="sync" class="ghost" data-testid="catalog-sync">Synchroniser avec Intech</button>
<button id="use-announcement" class="ghost hidden" data-testid="use-announcement">Diffuser l'annonce</button></div>
<p id="sync-info" class="muted small" style="margin:-4px 0 8px"></p>
<div class="tw"><table id="catalog" data-testid="catalog-table"><thead><tr><th>Actif</th><th>Service</th><th>Pays</th><th>Dispo</th><th>Montant (FCFA) : min / max / multiple</th></tr></thead><tbody></tbody></table></div></section>
</main></div>
<div id="backdrop" class="hidden"></div>
<aside id="drawer" data-testid="order-drawer" aria-label="Détail de la commande"></aside>
<script nonce="${nonce}">${JS}</script>
</body></html>`;
}
